package phonegate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// MsgSecondFactorLocked says that the second factor is locked, for the
// pages that have no state of their own to say it.
var MsgSecondFactorLocked = fmt.Sprintf("Too many failed attempts. Two-factor verification is locked for %d minutes.",
	int(MFALockDuration/time.Minute))

// msgRecoveryInvalid refuses a recovery code.
const msgRecoveryInvalid = "That recovery code is not valid."

// maxRecoveryInput bounds what is read of a typed recovery code.
const maxRecoveryInput = 64

// ReenrollRefusal reports whether session sess of user u may not verify a
// phone, and why (re): the user's next phone is bound to another session
// (the one that used the emergency code) or needs the recovery code that
// an admin's reset issued. The store refuses such an enrollment anyway;
// re lets the page say why in words.
func (s *Service) ReenrollRefusal(ctx context.Context, u User, sess Session) (re Reenrollment, refused bool, err error) {
	re, err = s.store.Reenrollment(ctx, u.ID, sess.TokenHash, s.now())
	if errors.Is(err, ErrNotFound) || (err == nil && re.Bound) {
		return Reenrollment{}, false, nil
	}
	if err != nil {
		return Reenrollment{}, false, err
	}
	return re, true, nil
}

// UseRecoveryCode takes the recovery code an admin's reset issued, as
// typed in session sess of user u: if it is the right one, still live and
// unused, this session, and no other, may verify the new phone. A wrong
// one counts toward the second-factor lock. A refusal is an *Error with
// words to show that wraps ErrCodeRefused.
func (s *Service) UseRecoveryCode(ctx context.Context, u User, sess Session, typed string) error {
	typed = NormalizeEmergencyCode(typed)
	if len(typed) > maxRecoveryInput {
		typed = typed[:maxRecoveryInput]
	}
	if s.Locked(u) {
		return &Error{Code: ELimited, Message: MsgSecondFactorLocked, Cause: ErrCodeRefused}
	}
	f, err := s.store.UseRecoveryCode(ctx, u.ID, s.recoveryMAC(u.ID, typed), sess.TokenHash, s.now())
	if errors.Is(err, ErrCodeRefused) {
		s.log.Info().Int64("user", u.ID).Bool("locked", f.Locked).Msg("wrong recovery code")
		s.noteLock(f)
		if f.Locked {
			return &Error{Code: ELimited, Message: MsgSecondFactorLocked, Cause: err}
		}
		return &Error{Code: EInvalid, Message: msgRecoveryInvalid, Cause: err}
	}
	if err != nil {
		return err
	}
	s.log.Info().Int64("user", u.ID).Msg("recovery code used")
	return nil
}
