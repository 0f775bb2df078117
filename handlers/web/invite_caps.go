package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/phonegate/phonegate"
)

// The caps on invitations and new projects (store/invitecaps.go) are
// counted in the store with the action itself. A refusal is a form error
// like any other (post, redirect, get: the page says in words when to try
// again), and the page it leads to answers 429 Too Many Requests with
// Retry-After, as the redirect does, so that a script sees the refusal
// for what it is.

// createCapRefusal returns the words for a cap that refused an invitation or a
// new project, and when it may be tried again; ok is false for any other
// error.
func (s *Server) createCapRefusal(err error, userID int64) (msg string, retryAt time.Time, ok bool) {
	var le *phonegate.LimitedError
	if !errors.As(err, &le) {
		return "", time.Time{}, false
	}
	after := s.retryTime(le.RetryAt)
	capHours := int(phonegate.CapWindow / time.Hour)
	switch le.Key {
	case phonegate.InviteAccountKey(userID):
		msg = fmt.Sprintf("You have sent %d invitations in the last %d hours, the most an account may. "+
			"Nobody was invited: try again after %s.", phonegate.MaxInvitesPerAccount, capHours, after)
	case phonegate.ProjectAccountKey(userID):
		msg = fmt.Sprintf("You have created %d projects in the last %d hours, the most an account may. "+
			"No project was created: try again after %s.", phonegate.MaxProjectsPerAccount, capHours, after)
	default:
		msg = fmt.Sprintf("Too many invitations came from your network in the last %d hours. Nobody was invited: "+
			"try again after %s.", capHours, after)
	}
	return msg, le.RetryAt, true
}

// capError answers a form refused by a cap: 303 back to path with msg
// beside the form named form, typed filled in again, and Retry-After; the
// page that shows msg answers 429 (capStatus).
func (s *Server) capError(w http.ResponseWriter, r *http.Request, path, form, msg string, typed url.Values,
	retryAt time.Time) error {
	failedAttempt(r)
	s.setRetryAfter(w, retryAt)
	s.keepFlash(w, flashNote{Kind: flashError, Msg: msg, Form: form, Fields: typed, Retry: retryAt.Unix()})
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// capStatus is the status of a page that may show a cap's refusal: 429,
// with Retry-After, when the flash it shows carries one still in force,
// else 200.
func (s *Server) capStatus(w http.ResponseWriter, r *http.Request) int {
	n, ok := s.flashed(r)
	if !ok || n.Kind != flashError || n.Retry == 0 {
		return http.StatusOK
	}
	at := time.Unix(n.Retry, 0)
	if !at.After(s.now()) {
		return http.StatusOK
	}
	s.setRetryAfter(w, at)
	return http.StatusTooManyRequests
}

// setRetryAfter sets Retry-After to the whole seconds until at (at least 1).
func (s *Server) setRetryAfter(w http.ResponseWriter, at time.Time) {
	secs := int((at.Sub(s.now()) + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
}
