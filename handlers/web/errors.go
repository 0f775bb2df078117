package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// fail answers a request whose handler returned err. It is the one place
// where a page's errors become HTTP status codes (httpx.ErrorStatus).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	re, retry := s.asRetry(err)
	switch {
	case retry:
		s.retryPage(w, r, re)
	case errors.Is(err, context.Canceled):
		// The client went away; nobody is left to answer.
	case phonegate.ErrorMessage(err) != "":
		s.errorPage(w, r, httpx.ErrorStatus(err), phonegate.ErrorMessage(err))
	case errors.Is(err, phonegate.ErrNotFound):
		s.errorPage(w, r, httpx.ErrorStatus(err), httpx.MsgNotFound)
	default:
		s.log.Error().Err(err).Str("path", httpx.LogPath(r.URL.Path)).Msg("request failed")
		s.errorPage(w, r, httpx.ErrorStatus(err), httpx.MsgInternal)
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
