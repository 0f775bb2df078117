package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// factorColumns are read by scanFactor. A confirmed factor is preferred
// when it is what the user last set up or passed with: its confirmation or
// last use is no older than the user's last pass, which every kind of pass
// sets.
const factorColumns = `f.id, f.user_id, f.kind, f.name, f.secret, f.counter, f.created_at, f.confirmed_at, f.last_used_at,
	f.confirmed_at > 0 AND MAX(f.confirmed_at, f.last_used_at) >= (SELECT u.last_mfa_at FROM users u WHERE u.id = f.user_id)`

func scanFactor(row interface{ Scan(...any) error }) (phonegate.Factor, error) {
	var f phonegate.Factor
	var created, confirmed, used int64
	err := row.Scan(&f.ID, &f.UserID, &f.Kind, &f.Name, &f.Secret, &f.Counter, &created, &confirmed, &used, &f.Preferred)
	f.CreatedAt, f.ConfirmedAt, f.LastUsedAt = unix(created), unix(confirmed), unix(used)
	return f, err
}

// AddFactor stores f unconfirmed and returns it with its ID; the user's
// earlier unconfirmed factors of its kind go, so that only the newest
// secret shown can be confirmed.
func (db *DB) AddFactor(ctx context.Context, f phonegate.Factor, now time.Time) (phonegate.Factor, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM factors WHERE user_id = ? AND kind = ? AND confirmed_at = 0`,
			f.UserID, f.Kind); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO factors (user_id, kind, name, secret, counter, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, f.UserID, f.Kind, f.Name, f.Secret, f.Counter, now.Unix()).Scan(&f.ID)
	})
	if err != nil {
		return phonegate.Factor{}, fmt.Errorf("store: add factor: %w", err)
	}
	f.CreatedAt, f.ConfirmedAt, f.LastUsedAt = unix(now.Unix()), time.Time{}, time.Time{}
	return f, nil
}

// Factors lists a user's factors, confirmed or not, oldest first.
func (db *DB) Factors(ctx context.Context, userID int64) ([]phonegate.Factor, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+factorColumns+` FROM factors f WHERE f.user_id = ? ORDER BY f.id`, userID)
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

// ConfirmFactor makes the user's unconfirmed factor id count, with
// counter as its counter, and audits it.
func (db *DB) ConfirmFactor(ctx context.Context, userID, id, counter int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var kind, name string
		err := tx.QueryRowContext(ctx, `UPDATE factors SET confirmed_at = ?, counter = ?
			WHERE id = ? AND user_id = ? AND confirmed_at = 0 RETURNING kind, name`,
			now.Unix(), counter, id, userID).Scan(&kind, &name)
		if err != nil {
			return notFound(err, "confirm factor")
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "factor.added",
			Detail: phonegate.FactorWords(kind) + " “" + name + "” added", At: now})
	})
}

// TakeFactorCheck takes one second-factor attempt of the user and returns
// the confirmed factor id to compare with, in one transaction, so that no
// number of concurrent guesses gets more comparisons than the lock allows.
func (db *DB) TakeFactorCheck(ctx context.Context, userID, id int64, now time.Time) (phonegate.Factor, error) {
	var f phonegate.Factor
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFactor(tx.QueryRowContext(ctx, `SELECT `+factorColumns+` FROM factors f
			WHERE f.id = ? AND f.user_id = ? AND f.confirmed_at != 0`, id, userID))
		if err != nil {
			return notFound(err, "check factor")
		}
		_, err = takeAttempt(ctx, tx, userID, now)
		return err
	})
	return f, err
}

// UseFactor records a pass by factor id whose checked counter is counter,
// only if counter is above the stored one (of concurrent passes with one
// code exactly one wins) or both are zero (a passkey without a sign
// count, whose challenge is single use). The user's failure count and lock are cleared and
// their last pass is now, as for a code.
func (db *DB) UseFactor(ctx context.Context, userID, id, counter int64, detail string, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE factors SET counter = ?, last_used_at = ?
			WHERE id = ? AND user_id = ? AND confirmed_at != 0 AND (counter < ? OR (counter = 0 AND ? = 0))`,
			counter, now.Unix(), id, userID, counter, counter)
		if err != nil {
			return fmt.Errorf("store: use factor: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: use factor: %w", phonegate.ErrCodeRefused)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_failures = 0, mfa_locked_until = 0, last_mfa_at = ?
			WHERE id = ?`, now.Unix(), userID); err != nil {
			return fmt.Errorf("store: use factor: %w", err)
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "2fa.passed",
			Detail: detail, At: now})
	})
}

// RemoveFactor deletes the user's factor id and audits it.
func (db *DB) RemoveFactor(ctx context.Context, userID, id int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var kind, name string
		var confirmed int64
		err := tx.QueryRowContext(ctx, `DELETE FROM factors WHERE id = ? AND user_id = ? RETURNING kind, name, confirmed_at`,
			id, userID).Scan(&kind, &name, &confirmed)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: remove factor: %w", phonegate.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: remove factor: %w", err)
		}
		if confirmed == 0 {
			return nil
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "factor.removed",
			Detail: phonegate.FactorWords(kind) + " “" + name + "” removed", At: now})
	})
}
