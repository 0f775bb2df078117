package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SetReveal keeps a sealed secret for one later page of the session, replacing any earlier one
// of the same kind.
func (db *DB) SetReveal(ctx context.Context, sessionHash []byte, kind string, sealed []byte, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return setReveal(ctx, tx, sessionHash, kind, sealed, now) })
}

func setReveal(ctx context.Context, tx pgx.Tx, sessionHash []byte, kind string, sealed []byte, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO reveals (session_hash, kind, sealed, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_hash, kind) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at`,
		sessionHash, kind, sealed, tz(now))
	if err != nil {
		return fmt.Errorf("store: keep %s for display: %w", kind, err)
	}
	return nil
}

// TakeReveal returns the sealed secret kept for the session and deletes it in the same
// statement, so that it is shown at most once, whichever instance asks. It returns ErrNotFound
// when there is none.
func (db *DB) TakeReveal(ctx context.Context, sessionHash []byte, kind string) ([]byte, error) {
	var sealed []byte
	err := db.pool.QueryRow(ctx, `DELETE FROM reveals WHERE session_hash = $1 AND kind = $2 RETURNING sealed`,
		sessionHash, kind).Scan(&sealed)
	if err != nil {
		return nil, notFound(err, kind+" to show")
	}
	return sealed, nil
}

// HasReveal reports whether the session has a secret of kind still to show.
func (db *DB) HasReveal(ctx context.Context, sessionHash []byte, kind string) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM reveals WHERE session_hash = $1 AND kind = $2)`,
		sessionHash, kind).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("store: %s to show: %w", kind, err)
	}
	return ok, nil
}
