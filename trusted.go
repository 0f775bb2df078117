package phonegate

import (
	"context"
	"errors"
	"time"
)

// TrustedComputer is a browser that passed the second factor and may skip
// it, within its project's level, until the server says otherwise. The
// cookie's token is never stored: only its hash, which names the record.
type TrustedComputer struct {
	TokenHash []byte
	UserID    int64
	UserAgent string
	CreatedAt time.Time
	LastMFAAt time.Time // when the code was last passed on this computer
}

// trustOf returns the trusted-computer record that token names, if it
// belongs to user userID; a zero record if not, so that user A's token
// does nothing for user B.
func (s *Service) trustOf(ctx context.Context, userID int64, token string) (TrustedComputer, error) {
	if token == "" || userID == 0 {
		return TrustedComputer{}, nil
	}
	tc, err := s.store.TrustedComputer(ctx, HashToken(token), userID)
	if errors.Is(err, ErrNotFound) {
		return TrustedComputer{}, nil
	}
	return tc, err
}

// TrustComputer records that user u just passed the code on the computer
// whose browser holds trustToken ("" for none), which shows itself as
// userAgent: the record the token names is refreshed if it is the user's,
// and newToken is "". Otherwise a new token is made, recorded and
// returned, for the browser to keep. A revoked token is never brought
// back: a copy of it elsewhere stays worthless.
func (s *Service) TrustComputer(ctx context.Context, u User, trustToken, userAgent string) (newToken string, err error) {
	now := s.now()
	if trustToken != "" {
		ok, err := s.store.RefreshTrustedComputer(ctx, HashToken(trustToken), u.ID, now)
		if err != nil || ok {
			return "", err
		}
	}
	token := s.newToken()
	err = s.store.AddTrustedComputer(ctx, TrustedComputer{
		TokenHash: HashToken(token),
		UserID:    u.ID,
		UserAgent: userAgent,
		CreatedAt: now,
		LastMFAAt: now,
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// TrustedComputers lists user u's trusted computers.
func (s *Service) TrustedComputers(ctx context.Context, u User) ([]TrustedComputer, error) {
	return s.store.TrustedComputers(ctx, u.ID)
}

// ForgetComputer forgets user u's trusted computer whose token hash is id:
// that computer will be asked for the code again. It returns ErrNotFound
// when u has no such computer.
func (s *Service) ForgetComputer(ctx context.Context, u User, id []byte) error {
	return s.store.ForgetComputer(ctx, u.ID, id, s.now())
}
