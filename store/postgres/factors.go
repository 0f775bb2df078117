package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// factorColumns are read by scanFactor. A confirmed factor is preferred
// when its confirmation or last use is no older than the user's last pass
// (see the SQLite store).
const factorColumns = `f.id, f.user_id, f.kind, f.name, f.secret, f.counter, f.created_at, f.confirmed_at, f.last_used_at,
	f.confirmed_at IS NOT NULL AND GREATEST(f.confirmed_at, f.last_used_at) >=
		COALESCE((SELECT u.last_mfa_at FROM users u WHERE u.id = f.user_id), '-infinity')`

func scanFactor(row pgx.Row) (phonegate.Factor, error) {
	var f phonegate.Factor
	err := row.Scan(&f.ID, &f.UserID, &f.Kind, &f.Name, &f.Secret, &f.Counter, ts(&f.CreatedAt), ts(&f.ConfirmedAt), ts(&f.LastUsedAt), &f.Preferred)
	return f, err
}

// AddFactor stores f unconfirmed; the user's earlier unconfirmed factors of its kind go. The
// user's row is locked first: without it, adds at once (two tabs, two instances) would each
// delete only what was committed before them, and each leave its own factor, so that two
// secrets shown could be confirmed.
func (db *DB) AddFactor(ctx context.Context, f phonegate.Factor, now time.Time) (phonegate.Factor, error) {
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, f.UserID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM factors WHERE user_id = $1 AND kind = $2 AND confirmed_at IS NULL`,
			f.UserID, f.Kind); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO factors (user_id, kind, name, secret, counter, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, f.UserID, f.Kind, f.Name, f.Secret, f.Counter, tz(now)).Scan(&f.ID)
	})
	if err != nil {
		return phonegate.Factor{}, fmt.Errorf("store: add factor: %w", err)
	}
	f.CreatedAt, f.ConfirmedAt, f.LastUsedAt = now.UTC().Truncate(time.Second), time.Time{}, time.Time{}
	return f, nil
}

// Factors lists a user's factors, confirmed or not, oldest first.
func (db *DB) Factors(ctx context.Context, userID int64) ([]phonegate.Factor, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+factorColumns+` FROM factors f WHERE f.user_id = $1 ORDER BY f.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: factors: %w", err)
	}
	defer rows.Close()
	var out []phonegate.Factor
	for rows.Next() {
		f, err := scanFactor(rows)
		if err != nil {
			return nil, fmt.Errorf("store: factors: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ConfirmFactor makes the user's unconfirmed factor id count and audits it.
func (db *DB) ConfirmFactor(ctx context.Context, userID, id, counter int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var kind, name string
		err := tx.QueryRow(ctx, `UPDATE factors SET confirmed_at = $1, counter = $2
			WHERE id = $3 AND user_id = $4 AND confirmed_at IS NULL RETURNING kind, name`,
			tz(now), counter, id, userID).Scan(&kind, &name)
		if err != nil {
			return notFound(err, "confirm factor")
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "factor.added",
			Detail: phonegate.FactorWords(kind) + " “" + name + "” added", At: now})
	})
}

// TakeFactorCheck takes one second-factor attempt of the user and returns the confirmed factor
// id to compare with, in one transaction.
func (db *DB) TakeFactorCheck(ctx context.Context, userID, id int64, now time.Time) (phonegate.Factor, error) {
	var f phonegate.Factor
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		f, err = scanFactor(tx.QueryRow(ctx, `SELECT `+factorColumns+` FROM factors f
			WHERE f.id = $1 AND f.user_id = $2 AND f.confirmed_at IS NOT NULL`, id, userID))
		if err != nil {
			return notFound(err, "check factor")
		}
		_, err = takeAttempt(ctx, tx, userID, now)
		return err
	})
	return f, err
}

// UseFactor records a pass by factor id only if counter is above the stored one, or both are zero.
func (db *DB) UseFactor(ctx context.Context, userID, id, counter int64, detail string, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE factors SET counter = $1, last_used_at = $2
			WHERE id = $3 AND user_id = $4 AND confirmed_at IS NOT NULL AND (counter < $1 OR (counter = 0 AND $1 = 0))`, counter, tz(now), id, userID)
		if err != nil {
			return fmt.Errorf("store: use factor: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("store: use factor: %w", phonegate.ErrCodeRefused)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET mfa_failures = 0, mfa_locked_until = NULL, last_mfa_at = $1
			WHERE id = $2`, tz(now), userID); err != nil {
			return fmt.Errorf("store: use factor: %w", err)
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "2fa.passed",
			Detail: detail, At: now})
	})
}

// RemoveFactor deletes the user's factor id and audits it.
func (db *DB) RemoveFactor(ctx context.Context, userID, id int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var kind, name string
		var confirmed time.Time
		err := tx.QueryRow(ctx, `DELETE FROM factors WHERE id = $1 AND user_id = $2 RETURNING kind, name, confirmed_at`,
			id, userID).Scan(&kind, &name, ts(&confirmed))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: remove factor: %w", phonegate.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: remove factor: %w", err)
		}
		if confirmed.IsZero() {
			return nil
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "factor.removed",
			Detail: phonegate.FactorWords(kind) + " “" + name + "” removed", At: now})
	})
}
