package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

// userError is an error the user caused and can fix: it is shown on the
// page in words, with its status, and is not logged as a fault.
type userError struct {
	status int
	msg    string
}

func (e *userError) Error() string { return e.msg }

func badRequest(msg string) error { return &userError{status: http.StatusBadRequest, msg: msg} }

// errNotFound is the one answer for a missing thing and for a thing that
// exists but is not the user's, so that existence does not leak.
var errNotFound = &userError{status: http.StatusNotFound, msg: "There is nothing here, or it is not yours to see."}

// fail answers a request whose handler returned err. It is the one place
// where errors become HTTP status codes.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ue *userError
	re, retry := s.asRetry(err)
	switch {
	case retry:
		s.retryPage(w, r, re)
	case errors.As(err, &ue):
		s.errorPage(w, r, ue.status, ue.msg)
	case errors.Is(err, phonegate.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, errNotFound.msg)
	case errors.Is(err, context.Canceled):
		// The client went away; nobody is left to answer.
	default:
		s.log.Error().Err(err).Str("path", logPath(r.URL.Path)).Msg("request failed")
		s.errorPage(w, r, http.StatusServiceUnavailable,
			"Something went wrong on our side and nothing was changed. Try again in a moment.")
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
	if next == "" || next[0] != '/' || len(next) > 2048 || strings.ContainsAny(next, "\\") || !cleanText(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
