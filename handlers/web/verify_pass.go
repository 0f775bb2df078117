package web

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// completeChallenge finishes a challenge that was answered: by a right
// code, or by an SMS reply that approved it (pass.Claim). The service
// consumes it (phonegate.Service.PassChallenge: exactly one caller wins;
// the others get phonegate.ErrCodeRefused); here the session token is
// renewed with the second factor passed now and the computer trusted where
// the service says a project's level allows. It returns where to go next:
// after an enrollment, the page that shows the new emergency code.
func (s *Server) completeChallenge(w http.ResponseWriter, r *http.Request, c phonegate.Challenge, pass phonegate.Pass) (string, error) {
	a := authFrom(r)
	p, err := s.svc.PassChallenge(r.Context(), a.user, a.sess, s.trustToken(r), c, pass)
	if err != nil {
		return "", err
	}
	if err := s.renewSession(w, r, s.now()); err != nil {
		return "", err
	}
	a.user = p.User
	if p.Trust {
		if err := s.trustThisComputer(w, r); err != nil {
			return "", err
		}
	}
	next := nextPath(r)
	if p.Enrolled {
		if next == "/" {
			return stepEmergency, nil
		}
		return stepEmergency + "?next=" + urlQueryEscape(next), nil
	}
	return next, nil
}
