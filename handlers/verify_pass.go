package handlers

import (
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

// completeChallenge finishes a challenge that was answered: by a right
// code, or by an SMS reply that approved it (pass.Claim). It consumes the
// challenge (exactly one caller wins; the others get store.ErrCodeRefused),
// renews the session token with the second factor passed now, trusts the
// computer where a project's level allows, and for an enrollment keeps the
// new emergency code for the next page. It returns where to go next.
func (s *Server) completeChallenge(w http.ResponseWriter, r *http.Request, c store.Challenge, pass store.Pass) (string, error) {
	a := authFrom(r)
	ctx := r.Context()
	masked := phonegate.MaskPhone(c.Phone)
	var emergency string
	if c.Purpose == store.PurposeEnroll {
		// The hash is made before the challenge is consumed: Argon2id is
		// slow, and only the answers that matched get this far.
		code, hash, err := s.newEmergencyCode(r)
		if err != nil {
			return "", err
		}
		emergency, pass.EmergencyHash = code, hash
		pass.Detail = "phone " + masked + " verified"
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
	if emergency != "" {
		if err := s.keepReveal(r, store.RevealEmergency, emergency); err != nil {
			return "", err
		}
	}
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
	next := nextPath(r)
	if emergency != "" {
		if next == "/" {
			return stepEmergency, nil
		}
		return stepEmergency + "?next=" + urlQueryEscape(next), nil
	}
	return next, nil
}
