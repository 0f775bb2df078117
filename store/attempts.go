package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Keys of the per-client-address limits: what is attempted, and from
// which address (as handlers' clientAddr spells it).
func AddrLimitKey(what, addr string) string { return "addr:" + what + ":" + addr }

// DeviceFailKey counts the failed logins of one device cookie, named by
// its random nonce (hex), apart from the account-wide FailedLoginKey.
func DeviceFailKey(nonce string) string { return "login-fail-device:" + nonce }

// LimitedError is an attempt refused by a limit. It wraps ErrLimited and
// says when the oldest attempt counted leaves the window, which is when
// the next one may be made.
type LimitedError struct {
	Key     string
	RetryAt time.Time
}

func (e *LimitedError) Error() string { return "store: " + e.Key + ": " + ErrLimited.Error() }
func (e *LimitedError) Unwrap() error { return ErrLimited }

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
			return &LimitedError{Key: key, RetryAt: time.Unix(oldest.Int64, 0).Add(window)}
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

// FailedLogin is a failed login of a known account.
type FailedLogin struct {
	UserID int64
	Key    string // the throttle it counts toward: FailedLoginKey or DeviceFailKey
	Limit  int
	Since  time.Time
	Addr   string // the client address, for the audit log
	At     time.Time
}

// RecordFailedLogin counts a failed login toward its throttle, unless the
// throttle is already full, and writes a "login.failed" audit event in the
// user's projects, in one transaction. It reports whether the throttle was
// full (the failure was then not counted again, but audited).
func (db *DB) RecordFailedLogin(ctx context.Context, f FailedLogin) (throttled bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		err := takeEvent(ctx, tx, f.Key, f.Limit, f.Since, f.At)
		throttled = errors.Is(err, ErrLimited)
		if err != nil && !throttled {
			return err
		}
		detail := "wrong password from " + f.Addr
		if throttled {
			detail = "refused (too many failed logins) from " + f.Addr
		}
		return addUserAudit(ctx, tx, AuditEvent{UserID: f.UserID, Kind: "login.failed", Detail: detail, At: f.At})
	})
	return throttled, err
}
