package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/phonegate/phonegate"
)

// Words of the code page and the re-enrollment page; the code page's
// states say the rest (codeStateOf).
const (
	msgEmergencyInvalid = "That emergency code is not valid."
	noticeLocked        = "Too many failed attempts. Two-factor verification is locked for 15 minutes."
)

// newChallenge starts a challenge for the session: a fresh code, kept only
// as a MAC and as the sealed copy the voice webhook needs, and a reply code
// derived from the challenge ID, kept only as a MAC, for phone, named after
// label. It sends nothing; any earlier open challenge of the session
// is cancelled.
func (s *Server) newChallenge(r *http.Request, purpose, phone, label string) (phonegate.Challenge, error) {
	c := s.challengeFor(r, purpose, phone, label)
	if err := s.db.CreateChallenge(r.Context(), c); err != nil {
		return phonegate.Challenge{}, err
	}
	return c, nil
}

// challengeFor makes a challenge of the session to phone, with a new code,
// without storing it.
func (s *Server) challengeFor(r *http.Request, purpose, phone, label string) phonegate.Challenge {
	a := authFrom(r)
	now := s.now()
	id := phonegate.NewToken()
	code := phonegate.NewCode()
	if label == "" {
		label = "phonegate"
	}
	c := phonegate.Challenge{
		ID:          id,
		UserID:      a.user.ID,
		SessionHash: a.sess.TokenHash,
		Purpose:     purpose,
		Label:       label,
		Phone:       phone,
		CodeMAC:     s.cfg.Keys.CodeMAC(id, code),
		CodeSealed:  s.cfg.Keys.Seal(id, code),
		ReplyMAC:    s.cfg.Keys.ReplyMAC(phone, s.cfg.Keys.ReplyCode(id)),
		State:       phonegate.ChallengePending,
		CreatedAt:   now,
		ExpiresAt:   now.Add(phonegate.ChallengeLife),
	}
	return c
}

// sessionChallenge returns the session's newest challenge, whatever its
// state; found is false when the session never had one.
func (s *Server) sessionChallenge(r *http.Request) (c phonegate.Challenge, found bool, err error) {
	a := authFrom(r)
	c, err = s.db.SessionChallenge(r.Context(), a.sess.TokenHash)
	if errors.Is(err, phonegate.ErrNotFound) || (err == nil && c.UserID != a.user.ID) {
		return phonegate.Challenge{}, false, nil
	}
	return c, err == nil, err
}

// normalizeCode reads a typed code: digits only, spaces and dashes
// dropped. It returns "" for anything that cannot be a code.
func normalizeCode(s string) string {
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

// locked reports whether the user's second factor is locked now.
func (s *Server) locked(u phonegate.User) bool { return s.now().Before(u.MFALockedUntil) }
