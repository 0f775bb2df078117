package handlers

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// completeChallenge finishes a challenge that was answered: by a right
// code, or by an SMS reply that approved it (pass.Claim). It consumes the
// challenge (exactly one caller wins; the others get store.ErrCodeRefused),
// renews the session token with the second factor passed now, trusts the
// computer where a project's level allows, and for an enrollment keeps the
// new emergency code for the next page of this session. It returns where
// to go next.
func (s *Server) completeChallenge(w http.ResponseWriter, r *http.Request, c phonegate.Challenge, pass phonegate.Pass) (string, error) {
	a := authFrom(r)
	ctx := r.Context()
	oldPhone := a.user.Phone
	masked := phonegate.MaskPhone(c.Phone)
	enroll := c.Purpose == phonegate.PurposeEnroll
	if enroll {
		// The hash is made before the challenge is consumed: Argon2id is
		// slow, and only the answers that matched get this far. The sealed
		// copy is stored with the hash, for this session only, so that the
		// code shown is the one that works.
		code, hash, err := s.newEmergencyCode(r)
		if err != nil {
			return "", err
		}
		pass.EmergencyHash = hash
		pass.EmergencySealed = s.cfg.Keys.Seal(revealLabel(phonegate.RevealEmergency, a.user.ID), code)
		pass.Detail = "phone " + masked + " verified"
		// A session through the gate (a phone change from the account
		// page) may replace a verified phone; any other may only verify
		// the first one, which the store checks as it consumes the
		// challenge. A session between the password and the code is sent
		// to the code page (stepVerify), or to the phone page while the
		// user has no verified phone (stepPhone).
		g, err := s.gate(r)
		if err != nil {
			return "", err
		}
		pass.SessionPassed = g.step != stepVerify && g.step != stepPhone
	} else if pass.Detail == "" {
		pass.Detail = "code sent to " + masked + " accepted"
	}
	if pass.Claim {
		pass.Detail += " by SMS reply"
	}
	now := s.now()
	if _, err := s.db.PassChallenge(ctx, c.ID, a.sess.TokenHash, pass, now); err != nil {
		return "", err
	}
	if err := s.renewSession(w, r, now); err != nil {
		return "", err
	}
	u, err := s.db.User(ctx, a.user.ID)
	if err != nil {
		return "", err
	}
	a.user = u
	g, err := s.gate(r)
	if err != nil {
		return "", err
	}
	if g.trustable {
		if err := s.trustThisComputer(w, r, now); err != nil {
			return "", err
		}
	}
	s.log.Info().Int64("user", u.ID).Str("purpose", c.Purpose).Bool("reply", pass.Claim).Msg("second factor passed")
	if enroll && oldPhone != "" && oldPhone != c.Phone {
		s.notifyPhoneChanged(ctx, u, oldPhone, c.Phone)
	}
	next := nextPath(r)
	if enroll {
		if next == "/" {
			return stepEmergency, nil
		}
		return stepEmergency + "?next=" + urlQueryEscape(next), nil
	}
	return next, nil
}
