package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// TakeAttempt counts one attempt of key at now unless limit attempts
// already happened within window before now, and returns the counted
// event's ID, for ForgetAttempt; when the limit is reached it counts
// nothing and returns a *LimitedError. The count is taken before the work
// it limits and in the statement's own transaction, so that concurrent
// attempts cannot all slip under the limit.
func (db *DB) TakeAttempt(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (int64, error) {
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		var oldest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM counter_events WHERE key = ? AND at >= ?`,
			key, now.Add(-window).Unix()).Scan(&n, &oldest); err != nil {
			return fmt.Errorf("store: count %s: %w", key, err)
		}
		if n >= limit {
			return &phonegate.LimitedError{Key: key, RetryAt: time.Unix(oldest.Int64, 0).Add(window)}
		}
		// rowid: counter_events has no key column of its own, and SQLite
		// gives every row one.
		err := tx.QueryRowContext(ctx, `INSERT INTO counter_events (key, at) VALUES (?, ?) RETURNING rowid`,
			key, now.Unix()).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: count %s: %w", key, err)
		}
		return nil
	})
	return id, err
}

// ForgetAttempt takes back an attempt TakeAttempt counted, when it turned
// out not to be a failure (a right password, a right code): limits count
// failures, not successes.
func (db *DB) ForgetAttempt(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM counter_events WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("store: forget attempt: %w", err)
	}
	return nil
}

// RecordFailedLogin counts a failed login toward its throttle, unless the
// throttle is already full, and writes a "login.failed" audit event in the
// user's projects, in one transaction. It reports whether the throttle was
// full (the failure was then not counted again, but audited).
func (db *DB) RecordFailedLogin(ctx context.Context, f phonegate.FailedLogin) (throttled bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		err := takeEvent(ctx, tx, f.Key, f.Limit, f.Since, f.At)
		throttled = errors.Is(err, phonegate.ErrLimited)
		if err != nil && !throttled {
			return err
		}
		detail := "wrong password from " + f.Addr
		if throttled {
			detail = "refused (too many failed logins) from " + f.Addr
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: f.UserID, Kind: "login.failed", Detail: detail, At: f.At})
	})
	return throttled, err
}
