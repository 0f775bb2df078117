package phonegate

import (
	"context"
)

// Passed is what passing a challenge did.
type Passed struct {
	// User is the user as the pass left them: an enrollment verified
	// their phone.
	User User
	// Enrolled is set when a new phone was verified: its emergency code
	// waits to be shown to this session (RevealEmergency).
	Enrolled bool
	// Trust says that a project's level lets this computer skip the code
	// later: the caller keeps its trust (TrustComputer).
	Trust bool
}

// PassChallenge finishes challenge c of session sess of user u, which was
// answered: by a right code (CheckCode), or by an SMS reply that approved
// it (pass.Claim). trustToken is the browser's trusted-computer token, ""
// for none. It consumes the challenge (exactly one caller wins; the others
// get ErrCodeRefused) and, for an enrollment, keeps the new emergency code
// for the next page of this session and tells the user when a phone
// replaced another. The caller renews the session with the second factor
// passed now, and trusts the computer when Passed.Trust says so.
func (s *Service) PassChallenge(ctx context.Context, u User, sess Session, trustToken string, c Challenge, pass Pass) (Passed, error) {
	oldPhone := u.Phone
	masked := MaskPhone(c.Phone)
	enroll := c.Purpose == PurposeEnroll
	if enroll {
		// The hash is made before the challenge is consumed: Argon2id is
		// slow, and only the answers that matched get this far. The sealed
		// copy is stored with the hash, for this session only, so that the
		// code shown is the one that works.
		code, hash, err := s.emergencyCode(ctx)
		if err != nil {
			return Passed{}, err
		}
		pass.EmergencyHash = hash
		pass.EmergencySealed = s.keys.Seal(revealLabel(RevealEmergency, u.ID), code)
		pass.Detail = "phone " + masked + " verified"
		// A session through the gate (a phone change from the account
		// page) may replace a verified phone; any other may only verify
		// the first one, which the store checks as it consumes the
		// challenge. A session between the password and the code must
		// pass the code (StepVerify), or verify a phone while the user
		// has no verified phone (StepPhone).
		g, err := s.Gate(ctx, u, sess, trustToken)
		if err != nil {
			return Passed{}, err
		}
		pass.SessionPassed = g.Step != StepVerify && g.Step != StepPhone
	} else if pass.Detail == "" {
		pass.Detail = "code sent to " + masked + " accepted"
	}
	if pass.Claim {
		pass.Detail += " by SMS reply"
	}
	if _, err := s.store.PassChallenge(ctx, c.ID, sess.TokenHash, pass, s.now()); err != nil {
		return Passed{}, err
	}
	u, err := s.store.User(ctx, u.ID)
	if err != nil {
		return Passed{}, err
	}
	// The levels decide whether the computer may be trusted, whatever
	// the session: the gate's answer holds before the session is renewed.
	g, err := s.Gate(ctx, u, sess, trustToken)
	if err != nil {
		return Passed{}, err
	}
	s.log.Info().Int64("user", u.ID).Str("purpose", c.Purpose).Bool("reply", pass.Claim).Msg("second factor passed")
	if enroll && oldPhone != "" && oldPhone != c.Phone {
		s.notify(ctx, NoticePhoneChanged, u, Notice{Link: s.publicURL("/account"),
			OldPhone: MaskPhone(oldPhone), NewPhone: MaskPhone(c.Phone)})
	}
	return Passed{User: u, Enrolled: enroll, Trust: g.Trustable}, nil
}
