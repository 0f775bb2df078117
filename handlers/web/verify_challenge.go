package web

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// sessionChallenge returns the session's newest challenge, whatever its
// state; found is false when the session never had one.
func (s *Server) sessionChallenge(r *http.Request) (c phonegate.Challenge, found bool, err error) {
	a := authFrom(r)
	return s.svc.SessionChallenge(r.Context(), a.user, a.sess)
}

// locked reports whether the user's second factor is locked now.
func (s *Server) locked(u phonegate.User) bool { return s.svc.Locked(u) }
