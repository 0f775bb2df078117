package phonegate

import (
	"context"
	"encoding/hex"
)

// What the code page says of a code that was not checked.
const (
	msgCodeMalformed = "Enter the 6-digit code from the text message or the call."
	msgCodeUnsent    = "No code has been sent yet, so that one was not checked: choose how to get your code."
)

// failedCodesNotice is how many wrong codes after the right password make
// a login session tell its user, once.
const failedCodesNotice = 3

// CheckCode checks code, as typed, against challenge c of session sess of
// user u. The check is counted before the comparison (Store.TakeCheck); a
// wrong code counts toward the challenge's death and the user's lock. It
// returns nil for the right code, which PassChallenge then consumes;
// ErrCodeRefused for a wrong code or one the store refused to check (the
// code page's state says why: tries left, a dead code, the lock); and an
// *Error of EInvalid for a code that was not checked at all: malformed,
// or typed before anything was sent, when nobody can know it yet.
func (s *Service) CheckCode(ctx context.Context, u User, sess Session, c Challenge, code string) error {
	now := s.now()
	code = NormalizeCode(code)
	switch {
	case s.Locked(u):
		return ErrCodeRefused
	case c.Sends == 0 && c.Live(now):
		return &Error{Code: EInvalid, Message: msgCodeUnsent}
	case code == "":
		return &Error{Code: EInvalid, Message: msgCodeMalformed}
	}
	mac, err := s.store.TakeCheck(ctx, c.ID, sess.TokenHash, now)
	if err != nil {
		return err
	}
	if s.keys.CheckCode(c.ID, code, mac) {
		return nil
	}
	f, err := s.store.FailSecondFactor(ctx, u.ID, c.ID, "wrong code for "+MaskPhone(c.Phone), now)
	if err != nil {
		return err
	}
	s.log.Info().Int64("user", u.ID).Bool("challenge_dead", f.ChallengeDead).Bool("locked", f.Locked).
		Msg("wrong code")
	s.noteLock(f)
	s.noteFailedCode(ctx, u, sess)
	return ErrCodeRefused
}

// noteLock tells the observer when failure f locked the second factor.
func (s *Service) noteLock(f Failure) {
	if f.Locked {
		s.obs.Locked()
	}
}

// noteFailedCode counts a wrong code (or emergency code) of session sess,
// which got past the password; at the failedCodesNotice-th it tells the
// user, once per session.
func (s *Service) noteFailedCode(ctx context.Context, u User, sess Session) {
	key := FailedCodeKey(sess.TokenHash)
	now := s.now()
	if err := s.store.AddEvent(ctx, key, now); err != nil {
		s.log.Error().Err(err).Msg("wrong code not counted for its notice")
		return
	}
	n, err := s.store.CountEvents(ctx, key, now.Add(-SessionAbsolute))
	if err != nil {
		s.log.Error().Err(err).Msg("wrong codes not counted for their notice")
		return
	}
	if n >= failedCodesNotice {
		s.notify(ctx, NoticeFailedCodes, u, Notice{Link: s.publicURL("/account"),
			Dedupe: "failed-codes:" + hex.EncodeToString(sess.TokenHash)})
	}
}
