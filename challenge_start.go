package phonegate

import (
	"context"
	"errors"
	"strings"
)

// NewChallenge starts a challenge for session sess of user u: a fresh
// code, kept only as a MAC and as the sealed copy the voice webhook needs,
// and a reply code derived from the challenge ID, kept only as a MAC, for
// phone, named after label. It sends nothing; any earlier open challenge
// of the session is cancelled.
func (s *Service) NewChallenge(ctx context.Context, u User, sess Session, purpose, phone, label string) (Challenge, error) {
	c := s.challengeFor(u, sess, purpose, phone, label)
	if err := s.store.CreateChallenge(ctx, c); err != nil {
		return Challenge{}, err
	}
	return c, nil
}

// challengeFor makes a challenge of the session to phone, with a new code,
// without storing it.
func (s *Service) challengeFor(u User, sess Session, purpose, phone, label string) Challenge {
	now := s.now()
	id := s.newToken()
	code := s.newCode()
	if label == "" {
		label = "phonegate"
	}
	return Challenge{
		ID:          id,
		UserID:      u.ID,
		SessionHash: sess.TokenHash,
		Purpose:     purpose,
		Label:       label,
		Phone:       phone,
		CodeMAC:     s.keys.CodeMAC(id, code),
		CodeSealed:  s.keys.Seal(id, code),
		ReplyMAC:    s.keys.ReplyMAC(phone, s.keys.ReplyCode(id)),
		State:       ChallengePending,
		CreatedAt:   now,
		ExpiresAt:   now.Add(ChallengeLife),
	}
}

// SessionChallenge returns the newest challenge of session sess of user u,
// whatever its state; found is false when the session never had one.
func (s *Service) SessionChallenge(ctx context.Context, u User, sess Session) (c Challenge, found bool, err error) {
	c, err = s.store.SessionChallenge(ctx, sess.TokenHash)
	if errors.Is(err, ErrNotFound) || (err == nil && c.UserID != u.ID) {
		return Challenge{}, false, nil
	}
	return c, err == nil, err
}

// NormalizeCode reads a typed code: digits only, spaces and dashes
// dropped. It returns "" for anything that cannot be a code.
func NormalizeCode(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) != 6 {
		return ""
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return s
}

// Locked reports whether u's second factor is locked now.
func (s *Service) Locked(u User) bool { return s.now().Before(u.MFALockedUntil) }

// Renewable reports whether an enrollment of u that ended may be started
// again without the phone page: only while u has no verified phone. Once a
// phone is verified (by this session or another), a session that passed
// only the password gets the login challenge to that phone instead, and a
// phone change starts again from the account page, with the password.
func Renewable(u User) bool { return !u.PhoneVerified }

// LoginChallenge returns the challenge the code page of a login shows:
// c, the session's newest (found false: none), while it is a login
// challenge to u's phone that was not used; else a new one named after
// label, which sends nothing.
func (s *Service) LoginChallenge(ctx context.Context, u User, sess Session, c Challenge, found bool, label string) (Challenge, error) {
	if found && c.Purpose == PurposeLogin && c.State != ChallengeUsed && c.Phone == u.Phone {
		return c, nil
	}
	return s.NewChallenge(ctx, u, sess, PurposeLogin, u.Phone, label)
}

// ReplaceChallenge makes a new challenge in place of old, one that ended
// (found false: the session has none): to the same phone for an
// enrollment that may still be renewed (Renewable), else a login challenge
// if the session still needs one. When there is nothing to verify it
// makes none, and returns the gate's step: where the session must go.
func (s *Service) ReplaceChallenge(ctx context.Context, u User, sess Session, trustToken string, old Challenge, found bool) (Challenge, Step, error) {
	if found && old.Purpose == PurposeEnroll && old.State != ChallengeUsed && Renewable(u) {
		c, err := s.NewChallenge(ctx, u, sess, PurposeEnroll, old.Phone, old.Label)
		return c, StepVerify, err
	}
	g, err := s.Gate(ctx, u, sess, trustToken)
	if err != nil || g.Step != StepVerify {
		return Challenge{}, g.Step, err
	}
	c, err := s.NewChallenge(ctx, u, sess, PurposeLogin, u.Phone, g.Project.Name)
	return c, StepVerify, err
}
