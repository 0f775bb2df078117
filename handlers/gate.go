package handlers

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// secondFactorStep returns where a logged-in user must go before reaching
// any project page: "/phone" to verify a phone, "/verify" for a code, or ""
// when every project they belong to is satisfied by this session. Checking
// every project, not just the one asked for, keeps a session between the
// password and the code out of everything but the code and enrollment
// pages (DESIGN §1.3: once on, 2FA is required of all users).
func (s *Server) secondFactorStep(r *http.Request) (string, error) {
	a := authFrom(r)
	ms, err := s.db.Memberships(r.Context(), a.user.ID)
	if err != nil {
		return "", err
	}
	now := s.now()
	trust, err := s.trustedComputer(r)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if !phonegate.Level(m.Project.MFALevel).Covered(a.sess.MFAAt, trust.LastMFAAt, trust.CreatedAt, now) {
			if !a.user.PhoneVerified {
				return "/phone", nil
			}
			return "/verify", nil
		}
	}
	return "", nil
}
