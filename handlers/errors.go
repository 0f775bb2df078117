package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

func badRequest(msg string) error { return &phonegate.Error{Code: phonegate.EInvalid, Message: msg} }

// msgNotFound is the one answer for a missing thing and for a thing that
// exists but is not the user's, so that existence does not leak.
const msgNotFound = "There is nothing here, or it is not yours to see."

var errNotFound = &phonegate.Error{Code: phonegate.ENotFound, Message: msgNotFound}

// msgInternal answers a fault of the server.
const msgInternal = "Something went wrong on our side and nothing was changed. Try again in a moment."

// errorStatuses is the one table of HTTP statuses for the error codes of
// the domain (phonegate.ErrorCode). A fault of the server answers 503:
// nothing was changed, and trying again may work.
var errorStatuses = map[string]int{
	phonegate.EInvalid:       http.StatusBadRequest,
	phonegate.ENotFound:      http.StatusNotFound,
	phonegate.EForbidden:     http.StatusForbidden,
	phonegate.EConflict:      http.StatusConflict,
	phonegate.EUnprocessable: http.StatusUnprocessableEntity,
	phonegate.ELimited:       http.StatusTooManyRequests,
	phonegate.EUnavailable:   http.StatusServiceUnavailable,
	phonegate.EUpstream:      http.StatusBadGateway,
	phonegate.EInternal:      http.StatusServiceUnavailable,
}

// errorStatus is the HTTP status of err, by its code.
func errorStatus(err error) int {
	if st, ok := errorStatuses[phonegate.ErrorCode(err)]; ok {
		return st
	}
	return errorStatuses[phonegate.EInternal]
}

// fail answers a request whose handler returned err. It is the one place
// where errors become HTTP status codes.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	re, retry := s.asRetry(err)
	switch {
	case retry:
		s.retryPage(w, r, re)
	case errors.Is(err, context.Canceled):
		// The client went away; nobody is left to answer.
	case phonegate.ErrorMessage(err) != "":
		s.errorPage(w, r, errorStatus(err), phonegate.ErrorMessage(err))
	case errors.Is(err, phonegate.ErrNotFound):
		s.errorPage(w, r, errorStatus(err), msgNotFound)
	default:
		s.log.Error().Err(err).Str("path", logPath(r.URL.Path)).Msg("request failed")
		s.errorPage(w, r, errorStatus(err), msgInternal)
	}
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, msg string) {
	s.errorPage(w, r, http.StatusForbidden, msg)
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "error", &errorPage{Message: msg, Status: status, StatusText: http.StatusText(status)})
}

type errorPage struct {
	page
	Status     int
	StatusText string
	Heading    string // instead of the status text, when set
	Message    string
	LinkHref   string // where the page sends the user, instead of their projects
	LinkText   string
}

// msgLoggedOut answers a form posted from a page of a session that has
// ended since: the user logged out (here or in another tab), the session
// expired or was ended from another one.
const msgLoggedOut = "You have been logged out; log in again."

// loggedOutPage refuses a form posted from the page of a session that has
// ended, saying so, with the way back in. Nothing of the form is done.
func (s *Server) loggedOutPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusForbidden, "error", &errorPage{page: page{Title: "Logged out"},
		Status: http.StatusForbidden, Heading: "Logged out",
		Message: msgLoggedOut, LinkHref: "/login", LinkText: "Log in"})
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath returns next when it is a path on this site, else "/": a
// "next" parameter must never send a user to another site. Browsers drop
// tabs and newlines from URLs and read a backslash as a slash, so
// "/\t/evil.example" would become "//evil.example": any control character
// or backslash, and anything that parses with a scheme or host, is refused.
func localPath(next string) string {
	if next == "" || next[0] != '/' || len(next) > 2048 || strings.ContainsAny(next, "\\") || !phonegate.CleanText(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
