package phonegate

import (
	"context"
	"errors"
)

// HasTOTP reports whether user u has a confirmed authenticator app, and
// whether it passed their last second factor (the code page offers it
// first then).
func (s *Service) HasTOTP(ctx context.Context, u User) (has, preferred bool, err error) {
	f, ok, err := s.factorOf(ctx, u, FactorTOTP, true)
	return ok, ok && f.Preferred, err
}

// UseTOTP accepts the code of user u's authenticator app, typed in
// session sess in place of a code sent to the phone; trustToken is the
// browser's trusted-computer token, "" for none. The attempt is counted
// toward the lock before the comparison (Store.TakeFactorCheck); a wrong
// code, or one for a step already used (a replay within the window),
// counts as a wrong code does. Of concurrent uses of one code exactly one
// passes (Store.UseFactor). The caller renews the session with the second
// factor passed now, and trusts the computer when Passed.Trust says so.
//
// It returns ErrCodeRefused, with words to show (an *Error) unless the
// lock holds, when the code did not pass; an *Error of EInvalid for a
// malformed code, which is not counted.
func (s *Service) UseTOTP(ctx context.Context, u User, sess Session, trustToken, typed string) (Passed, error) {
	now := s.now()
	if s.Locked(u) {
		return Passed{}, ErrCodeRefused
	}
	code := NormalizeCode(typed)
	if code == "" {
		return Passed{}, &Error{Code: EInvalid, Message: msgTOTPMalformed}
	}
	f, ok, err := s.factorOf(ctx, u, FactorTOTP, true)
	if err != nil {
		return Passed{}, err
	}
	if !ok {
		return Passed{}, &Error{Code: EInvalid, Message: msgTOTPNone}
	}
	f, err = s.store.TakeFactorCheck(ctx, u.ID, f.ID, now)
	if errors.Is(err, ErrCodeRefused) {
		return Passed{}, errTOTPRefused
	}
	if err != nil {
		return Passed{}, err
	}
	secret, err := s.keys.Open(factorLabel(f.Kind, u.ID), f.Secret)
	if err != nil {
		return Passed{}, err
	}
	step, ok := totpStep(secret, code, now)
	switch {
	case !ok:
		return Passed{}, s.failFactor(ctx, u, sess, errTOTPRefused, "wrong authenticator app code")
	case step <= f.Counter:
		return Passed{}, s.failFactor(ctx, u, sess, errTOTPRefused, "authenticator app code used already")
	}
	err = s.store.UseFactor(ctx, u.ID, f.ID, step, "authenticator app code accepted", now)
	if errors.Is(err, ErrCodeRefused) {
		return Passed{}, s.failFactor(ctx, u, sess, errTOTPRefused, "authenticator app code used already")
	}
	if err != nil {
		return Passed{}, err
	}
	s.log.Info().Int64("user", u.ID).Msg("second factor passed by authenticator app")
	return s.passFactor(ctx, u, sess, trustToken)
}
