package handlers

import (
	"crypto/rand"
	"errors"
	"net/http"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

// The words of the code page (DESIGN §2: one message for a wrong, expired,
// used or locked code, so that none can be told from another; the notices
// say what the user must do next).
const (
	msgCodeInvalid      = "That code is not valid. Check the latest message or call, or send a new code."
	msgEmergencyInvalid = "That emergency code is not valid."
	noticeLocked        = "Too many failed attempts. Two-factor verification is locked for 15 minutes."
)

// replyAlphabet makes reply codes easy to read and type: no vowels (no
// words), no 0/O or 1/I/L.
const replyAlphabet = "BCDFGHJKMNPQRSTVWXZ23456789"

// newReplyCode returns a short random code that the holder of the phone
// may text back to prove they hold it ("verification by reply").
func newReplyCode() string {
	const n = len(replyAlphabet)
	out := make([]byte, 0, 6)
	var b [1]byte
	for len(out) < cap(out) {
		rand.Read(b[:])
		// Bytes past the last whole multiple of the alphabet would favour
		// its first letters: draw again.
		if int(b[0]) < 256/n*n {
			out = append(out, replyAlphabet[int(b[0])%n])
		}
	}
	return string(out)
}

// newChallenge starts a challenge for the session: a fresh code, kept only
// as a MAC and as the sealed copy the voice webhook needs, for phone, named
// after label. It sends nothing; any earlier open challenge of the session
// is cancelled.
func (s *Server) newChallenge(r *http.Request, purpose, phone, label string) (store.Challenge, error) {
	a := authFrom(r)
	now := s.now()
	id := phonegate.NewToken()
	code := phonegate.NewCode()
	if label == "" {
		label = "phonegate"
	}
	c := store.Challenge{
		ID:          id,
		UserID:      a.user.ID,
		SessionHash: a.sess.TokenHash,
		Purpose:     purpose,
		Label:       label,
		Phone:       phone,
		CodeMAC:     s.cfg.Keys.CodeMAC(id, code),
		CodeSealed:  s.cfg.Keys.Seal(id, code),
		ReplyCode:   newReplyCode(),
		State:       store.ChallengePending,
		CreatedAt:   now,
		ExpiresAt:   now.Add(store.ChallengeLife),
	}
	if err := s.db.CreateChallenge(r.Context(), c); err != nil {
		return store.Challenge{}, err
	}
	return c, nil
}

// sessionChallenge returns the session's newest challenge, whatever its
// state; found is false when the session never had one.
func (s *Server) sessionChallenge(r *http.Request) (c store.Challenge, found bool, err error) {
	a := authFrom(r)
	c, err = s.db.SessionChallenge(r.Context(), a.sess.TokenHash)
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.UserID != a.user.ID) {
		return store.Challenge{}, false, nil
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
func (s *Server) locked(u store.User) bool { return s.now().Before(u.MFALockedUntil) }
