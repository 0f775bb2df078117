package handlers

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

// maxEmergencyInput bounds what is hashed for a typed emergency code.
const maxEmergencyInput = 64

// verifyEmergency accepts the emergency code in place of a code, once. The
// attempt is counted toward the lock first (store.TakeEmergencyCheck),
// before the slow Argon2id verification, which runs outside any
// transaction against the hash that call returned; the code is then
// consumed only if the hash is still the stored one, so that of concurrent
// uses exactly one wins. The user gets in for this login, but the phone is
// no longer verified, trusted computers are forgotten, and the gate sends
// them to verify a phone (and get a new emergency code) before anything
// else. Only this session may do so: the user's other sessions that
// passed only the password end here, or any of them could verify a phone
// of its own in this one's place. A wrong emergency code counts toward the
// lock like a wrong code. Every answer is a redirect (post, redirect, get).
func (s *Server) verifyEmergency(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	ctx := r.Context()
	now := s.now()
	// A refusal goes back to the code page, which shows the lock when it
	// holds (and then no emergency-code form).
	refuse := func() error { return s.backToVerify(w, r, msgEmergencyInvalid) }
	if s.locked(a.user) {
		return s.backToVerify(w, r, "")
	}
	typed := phonegate.NormalizeEmergencyCode(r.PostFormValue("emergency_code"))
	if len(typed) > maxEmergencyInput {
		typed = typed[:maxEmergencyInput]
	}
	hash, err := s.db.TakeEmergencyCheck(ctx, a.user.ID, now)
	if errors.Is(err, phonegate.ErrCodeRefused) {
		return refuse()
	}
	if err != nil {
		return err
	}
	// An empty hash is checked against a dummy, taking the same time.
	ok, _, err := s.cfg.Hasher.Verify(ctx, typed, hash)
	if err != nil {
		return err
	}
	if !ok {
		f, err := s.db.FailSecondFactor(ctx, a.user.ID, "", "wrong emergency code", now)
		if err != nil {
			return err
		}
		s.log.Info().Int64("user", a.user.ID).Bool("locked", f.Locked).Msg("wrong emergency code")
		s.noteFailedCode(r)
		return refuse()
	}
	err = s.db.UseEmergencyCode(ctx, a.user.ID, hash, a.sess.TokenHash, now)
	if errors.Is(err, phonegate.ErrCodeRefused) {
		return refuse()
	}
	if err != nil {
		return err
	}
	if err := s.renewSession(w, r, now); err != nil {
		return err
	}
	s.clearCookie(w, s.trustCookie())
	s.log.Warn().Int64("user", a.user.ID).Msg("emergency code used")
	s.notifyEmergencyUsed(ctx, a.user)
	http.Redirect(w, r, withNext(stepPhone, r), http.StatusSeeOther)
	return nil
}
