package phonegate

import (
	"context"
	"errors"
)

// maxEmergencyInput bounds what is hashed for a typed emergency code.
const maxEmergencyInput = 64

// msgEmergencyInvalid refuses an emergency code.
const msgEmergencyInvalid = "That emergency code is not valid."

// errEmergencyRefused is the one answer for an emergency code that did not
// pass: wrong, used, or refused by the lock's count.
var errEmergencyRefused = &Error{Code: EInvalid, Message: msgEmergencyInvalid, Cause: ErrCodeRefused}

// emergencyCode makes an emergency code and its Argon2id hash. Only the
// hash is ever stored; the code is shown once.
func (s *Service) emergencyCode(ctx context.Context) (code, hash string, err error) {
	code = s.newEmergencyCode()
	hash, err = s.hasher.Hash(ctx, code)
	return code, hash, err
}

// UseEmergencyCode accepts the emergency code typed in session sess of
// user u in place of a code, once. The attempt is counted toward the lock
// first (Store.TakeEmergencyCheck), before the slow Argon2id verification,
// which runs outside any transaction against the hash that call returned;
// the code is then consumed only if the hash is still the stored one, so
// that of concurrent uses exactly one wins. The user gets in for this
// login, but the phone is no longer verified, trusted computers are
// forgotten, and the gate sends them to verify a phone (and get a new
// emergency code) before anything else. Only this session may do so: the
// user's other sessions that passed only the password end here, or any of
// them could verify a phone of its own in this one's place. A wrong
// emergency code counts toward the lock like a wrong code.
//
// It returns ErrCodeRefused, with words to show (an *Error) unless the
// lock holds, when the code did not pass. The caller renews the session
// and drops the computer's trust.
func (s *Service) UseEmergencyCode(ctx context.Context, u User, sess Session, typed string) error {
	now := s.now()
	if s.Locked(u) {
		return ErrCodeRefused
	}
	typed = NormalizeEmergencyCode(typed)
	if len(typed) > maxEmergencyInput {
		typed = typed[:maxEmergencyInput]
	}
	hash, err := s.store.TakeEmergencyCheck(ctx, u.ID, now)
	if errors.Is(err, ErrCodeRefused) {
		return errEmergencyRefused
	}
	if err != nil {
		return err
	}
	// An empty hash is checked against a dummy, taking the same time.
	ok, _, err := s.hasher.Verify(ctx, typed, hash)
	if err != nil {
		return err
	}
	if !ok {
		f, err := s.store.FailSecondFactor(ctx, u.ID, "", "wrong emergency code", now)
		if err != nil {
			return err
		}
		s.log.Info().Int64("user", u.ID).Bool("locked", f.Locked).Msg("wrong emergency code")
		s.noteLock(f)
		s.noteFailedCode(ctx, u, sess)
		return errEmergencyRefused
	}
	err = s.store.UseEmergencyCode(ctx, u.ID, hash, sess.TokenHash, now)
	if errors.Is(err, ErrCodeRefused) {
		return errEmergencyRefused
	}
	if err != nil {
		return err
	}
	s.log.Warn().Int64("user", u.ID).Msg("emergency code used")
	s.notify(ctx, NoticeEmergencyUsed, u, Notice{Link: s.publicURL("/account")})
	return nil
}

// RenewEmergencyCode makes a new emergency code for user u, who proved
// their password again: the old one dies at once, and the new one waits
// to be shown once to session sess (RevealEmergency).
func (s *Service) RenewEmergencyCode(ctx context.Context, u User, sess Session) error {
	code, hash, err := s.emergencyCode(ctx)
	if err != nil {
		return err
	}
	if err := s.store.SetEmergencyHash(ctx, u.ID, hash, s.now()); err != nil {
		return err
	}
	if err := s.KeepReveal(ctx, u.ID, sess, RevealEmergency, code); err != nil {
		return err
	}
	s.log.Info().Int64("user", u.ID).Msg("emergency code regenerated")
	s.notify(ctx, NoticeEmergencyRenewed, u, Notice{Link: s.publicURL("/account")})
	return nil
}
