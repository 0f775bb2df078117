package web

import (
	"net/http"
	"net/url"
)

// Post, redirect, get: every form answers with 303 See Other, its error
// included, so that a reload of the page that follows never sends the
// form again. The error travels in the flash (flash.go) to the form's own
// page, which shows it beside the form it concerns and fills that form in
// again with what the user typed (never a password).

// done answers a form that succeeded: 303 to path, which shows msg once.
func (s *Server) done(w http.ResponseWriter, r *http.Request, path, msg string) error {
	s.flash(w, r, flashSuccess, msg)
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// formError answers a form that failed: 303 back to path, the form's own
// page, which shows msg beside the form named form ("" for the top of the
// page) and fills it in with typed. typed must never hold a password or a
// code.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, path, form, msg string, typed url.Values) error {
	failedAttempt(r) // a per-address limit counts it as the failure it is
	s.flashForm(w, r, flashError, msg, form, typed)
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// typed returns what the user typed in the form that sent them to this
// page, to fill a form in again; nil when the flash kept nothing.
func (s *Server) typed(r *http.Request) url.Values {
	n, ok := s.flashed(r)
	if !ok {
		return nil
	}
	return n.Fields
}
