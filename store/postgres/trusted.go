package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const trustedColumns = `token_hash, user_id, user_agent, created_at, last_mfa_at`

func scanTrusted(row pgx.Row) (phonegate.TrustedComputer, error) {
	var tc phonegate.TrustedComputer
	err := row.Scan(&tc.TokenHash, &tc.UserID, &tc.UserAgent, ts(&tc.CreatedAt), ts(&tc.LastMFAAt))
	return tc, err
}

// AddTrustedComputer records a computer that just passed the code under a new token.
func (db *DB) AddTrustedComputer(ctx context.Context, tc phonegate.TrustedComputer) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO trusted_computers (`+trustedColumns+`) VALUES ($1, $2, $3, $4, $5)`,
		tc.TokenHash, tc.UserID, tc.UserAgent, tz(tc.CreatedAt), tz(tc.LastMFAAt))
	if isUnique(err) {
		return fmt.Errorf("store: trust computer: %w", phonegate.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: trust computer: %w", err)
	}
	return nil
}

// RefreshTrustedComputer records a new pass of the code on a computer the user trusts already.
// It reports false when the user has no record by that hash: the caller then makes a new token
// rather than bringing an old one back to life.
func (db *DB) RefreshTrustedComputer(ctx context.Context, tokenHash []byte, userID int64, now time.Time) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE trusted_computers SET last_mfa_at = $1 WHERE token_hash = $2 AND user_id = $3`,
		tz(now), tokenHash, userID)
	if err != nil {
		return false, fmt.Errorf("store: refresh trusted computer: %w", err)
	}
	return tag.RowsAffected() > 0, nil
}

// TrustedComputer returns the record named by tokenHash if it belongs to userID; a record of
// another user is ErrNotFound, as is a missing one.
func (db *DB) TrustedComputer(ctx context.Context, tokenHash []byte, userID int64) (phonegate.TrustedComputer, error) {
	tc, err := scanTrusted(db.pool.QueryRow(ctx, `SELECT `+trustedColumns+` FROM trusted_computers
		WHERE token_hash = $1 AND user_id = $2`, tokenHash, userID))
	if err != nil {
		return phonegate.TrustedComputer{}, notFound(err, "trusted computer")
	}
	return tc, nil
}

// TrustedComputers lists a user's trusted computers, the most recently verified first.
func (db *DB) TrustedComputers(ctx context.Context, userID int64) ([]phonegate.TrustedComputer, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+trustedColumns+` FROM trusted_computers
		WHERE user_id = $1 ORDER BY last_mfa_at DESC, created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: trusted computers: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.TrustedComputer, error) { return scanTrusted(row) })
	if err != nil {
		return nil, fmt.Errorf("store: trusted computers: %w", err)
	}
	return out, nil
}

// ForgetComputer deletes one of the user's trusted computers; ErrNotFound when the user has
// none by that hash.
func (db *DB) ForgetComputer(ctx context.Context, userID int64, tokenHash []byte, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM trusted_computers WHERE token_hash = $1 AND user_id = $2`, tokenHash, userID)
		if err := mustAffect(tag, err, "forget computer"); err != nil {
			return err
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "trust.revoked",
			Detail: "a trusted computer was forgotten", At: now})
	})
}
