package phonegate

import (
	"context"
	"errors"
	"strconv"
)

// A reveal is a secret that one page shows once: it waits, sealed with
// the server key, in a row tied to the session (never in a cookie, a URL or
// a log), and the page that shows it deletes it in the same statement.

// revealLabel binds a sealed reveal to its kind and user, so that a sealed
// value cannot be replayed as another kind or for another user.
func revealLabel(kind string, userID int64) string {
	return "reveal " + kind + " " + strconv.FormatInt(userID, 10)
}

// KeepReveal keeps secret for the next page of that kind of session sess
// of user userID.
func (s *Service) KeepReveal(ctx context.Context, userID int64, sess Session, kind, secret string) error {
	sealed := s.keys.Seal(revealLabel(kind, userID), secret)
	return s.store.SetReveal(ctx, sess.TokenHash, kind, sealed, s.now())
}

// TakeReveal returns the secret of kind kept for session sess of user
// userID and forgets it; ok is false when it was shown already.
func (s *Service) TakeReveal(ctx context.Context, userID int64, sess Session, kind string) (secret string, ok bool, err error) {
	sealed, err := s.store.TakeReveal(ctx, sess.TokenHash, kind)
	if errors.Is(err, ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	secret, err = s.keys.Open(revealLabel(kind, userID), sealed)
	if err != nil {
		return "", false, err
	}
	return secret, true, nil
}
