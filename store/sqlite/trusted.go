package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

const trustedColumns = `token_hash, user_id, user_agent, created_at, last_mfa_at`

func scanTrusted(row interface{ Scan(...any) error }) (phonegate.TrustedComputer, error) {
	var tc phonegate.TrustedComputer
	var created, last int64
	err := row.Scan(&tc.TokenHash, &tc.UserID, &tc.UserAgent, &created, &last)
	tc.CreatedAt, tc.LastMFAAt = unix(created), unix(last)
	return tc, err
}

// AddTrustedComputer records a computer that just passed the code under a
// new token.
func (db *DB) AddTrustedComputer(ctx context.Context, tc phonegate.TrustedComputer) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO trusted_computers (`+trustedColumns+`) VALUES (?, ?, ?, ?, ?)`,
		tc.TokenHash, tc.UserID, tc.UserAgent, tc.CreatedAt.Unix(), tc.LastMFAAt.Unix())
	if isUnique(err) {
		return fmt.Errorf("store: trust computer: %w", phonegate.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: trust computer: %w", err)
	}
	return nil
}

// RefreshTrustedComputer records a new pass of the code on a computer the
// user trusts already. It reports false when the user has no record by
// that hash (it was revoked, or the cookie is another user's): the caller
// then makes a new token rather than bringing an old one back to life.
func (db *DB) RefreshTrustedComputer(ctx context.Context, tokenHash []byte, userID int64, now time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE trusted_computers SET last_mfa_at = ? WHERE token_hash = ? AND user_id = ?`,
		now.Unix(), tokenHash, userID)
	if err != nil {
		return false, fmt.Errorf("store: refresh trusted computer: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// TrustedComputer returns the record named by tokenHash if it belongs to
// userID; a record of another user is ErrNotFound, as is a missing one.
func (db *DB) TrustedComputer(ctx context.Context, tokenHash []byte, userID int64) (phonegate.TrustedComputer, error) {
	tc, err := scanTrusted(db.read.QueryRowContext(ctx, `SELECT `+trustedColumns+` FROM trusted_computers
		WHERE token_hash = ? AND user_id = ?`, tokenHash, userID))
	if err != nil {
		return phonegate.TrustedComputer{}, notFound(err, "trusted computer")
	}
	return tc, nil
}

// TrustedComputers lists a user's trusted computers, the most recently
// verified first.
func (db *DB) TrustedComputers(ctx context.Context, userID int64) ([]phonegate.TrustedComputer, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+trustedColumns+` FROM trusted_computers
		WHERE user_id = ? ORDER BY last_mfa_at DESC, created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: trusted computers: %w", err)
	}
	defer rows.Close()
	var out []phonegate.TrustedComputer
	for rows.Next() {
		tc, err := scanTrusted(rows)
		if err != nil {
			return nil, fmt.Errorf("store: trusted computers: %w", err)
		}
		out = append(out, tc)
	}
	return out, rows.Err()
}

// ForgetComputer deletes one of the user's trusted computers; ErrNotFound
// when the user has none by that hash.
func (db *DB) ForgetComputer(ctx context.Context, userID int64, tokenHash []byte, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM trusted_computers WHERE token_hash = ? AND user_id = ?`, tokenHash, userID)
		if err != nil {
			return fmt.Errorf("store: forget computer: %w", err)
		}
		if err := mustAffect(res, "trusted computer"); err != nil {
			return err
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "trust.revoked",
			Detail: "a trusted computer was forgotten", At: now})
	})
}
