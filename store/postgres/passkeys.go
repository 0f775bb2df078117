package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// KeepPasskeyChallenge stores a passkey ceremony's challenge for its
// session and kind, replacing an earlier one.
func (db *DB) KeepPasskeyChallenge(ctx context.Context, c phonegate.PasskeyChallenge) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO passkey_challenges (session_hash, kind, data, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_hash, kind) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
		c.SessionHash, c.Kind, c.Data, tz(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: keep passkey challenge: %w", err)
	}
	return nil
}

// TakePasskeyChallenge returns the session's challenge of kind and deletes
// it in the same statement; one that expired by now is deleted and
// reported as none.
func (db *DB) TakePasskeyChallenge(ctx context.Context, sessionHash []byte, kind string, now time.Time) (phonegate.PasskeyChallenge, error) {
	c := phonegate.PasskeyChallenge{SessionHash: sessionHash, Kind: kind}
	err := db.pool.QueryRow(ctx, `DELETE FROM passkey_challenges WHERE session_hash = $1 AND kind = $2 RETURNING data, expires_at`,
		sessionHash, kind).Scan(&c.Data, ts(&c.ExpiresAt))
	if err != nil {
		return phonegate.PasskeyChallenge{}, notFound(err, "take passkey challenge")
	}
	if !now.Before(c.ExpiresAt) {
		return phonegate.PasskeyChallenge{}, fmt.Errorf("store: take passkey challenge: expired: %w", phonegate.ErrNotFound)
	}
	return c, nil
}
