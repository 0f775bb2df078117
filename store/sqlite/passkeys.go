package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// KeepPasskeyChallenge stores a passkey ceremony's challenge for its
// session and kind, replacing an earlier one.
func (db *DB) KeepPasskeyChallenge(ctx context.Context, c phonegate.PasskeyChallenge) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO passkey_challenges (session_hash, kind, data, expires_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (session_hash, kind) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
		c.SessionHash, c.Kind, c.Data, c.ExpiresAt.Unix())
	if err != nil {
		return fmt.Errorf("store: keep passkey challenge: %w", err)
	}
	return nil
}

// TakePasskeyChallenge returns the session's challenge of kind and deletes
// it in the same statement: of concurrent answers, one gets it. One that
// expired by now is deleted and reported as none.
func (db *DB) TakePasskeyChallenge(ctx context.Context, sessionHash []byte, kind string, now time.Time) (phonegate.PasskeyChallenge, error) {
	c := phonegate.PasskeyChallenge{SessionHash: sessionHash, Kind: kind}
	var expires int64
	err := db.write.QueryRowContext(ctx, `DELETE FROM passkey_challenges WHERE session_hash = ? AND kind = ? RETURNING data, expires_at`,
		sessionHash, kind).Scan(&c.Data, &expires)
	if err != nil {
		return phonegate.PasskeyChallenge{}, notFound(err, "take passkey challenge")
	}
	c.ExpiresAt = unix(expires)
	if !now.Before(c.ExpiresAt) {
		return phonegate.PasskeyChallenge{}, fmt.Errorf("store: take passkey challenge: expired: %w", phonegate.ErrNotFound)
	}
	return c, nil
}
