package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// A throttle counts the rows of its key inside a window and adds one when it is under its
// limit. Under read committed two instances could both count the same rows and both add; so a
// transaction that counts to decide first takes a transaction-scoped advisory lock on the key
// (lockKey), and the count it then reads includes every earlier decision's row.

// lockKey takes the advisory lock of counter key until the end of tx.
func lockKey(ctx context.Context, tx pgx.Tx, key string) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('counter:' || $1, 0))`, key); err != nil {
		return fmt.Errorf("store: lock %s: %w", key, err)
	}
	return nil
}

// CountEvents returns how many events of key happened at or after since.
func (db *DB) CountEvents(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM counter_events WHERE key = $1 AND at >= $2`,
		key, tz(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s: %w", key, err)
	}
	return n, nil
}

// AddEvent counts one event of key at now.
func (db *DB) AddEvent(ctx context.Context, key string, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return addEvent(ctx, tx, key, now) })
}

func addEvent(ctx context.Context, tx pgx.Tx, key string, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO counter_events (key, at) VALUES ($1, $2)`, key, tz(now)); err != nil {
		return fmt.Errorf("store: count %s: %w", key, err)
	}
	return nil
}

func countEvents(ctx context.Context, tx pgx.Tx, key string, since time.Time) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM counter_events WHERE key = $1 AND at >= $2`,
		key, tz(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s: %w", key, err)
	}
	return n, nil
}

// takeEvent counts one event of key at now unless limit events already happened at or after
// since, in which case it returns ErrLimited.
func takeEvent(ctx context.Context, tx pgx.Tx, key string, limit int, since, now time.Time) error {
	if err := lockKey(ctx, tx, key); err != nil {
		return err
	}
	n, err := countEvents(ctx, tx, key, since)
	if err != nil {
		return err
	}
	if n >= limit {
		return fmt.Errorf("store: %s: %w", key, phonegate.ErrLimited)
	}
	return addEvent(ctx, tx, key, now)
}

// PruneEvents deletes events older than before, which no window reaches.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM counter_events WHERE at < $1`, tz(before)); err != nil {
		return fmt.Errorf("store: prune counters: %w", err)
	}
	return nil
}

// TakeAttempt counts one attempt of key at now unless limit attempts already happened within
// window before now, and returns the counted event's ID, for ForgetAttempt; when the limit is
// reached it counts nothing and returns a *LimitedError.
func (db *DB) TakeAttempt(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (int64, error) {
	var id int64
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockKey(ctx, tx, key); err != nil {
			return err
		}
		var n int
		var oldest time.Time
		if err := tx.QueryRow(ctx, `SELECT count(*), MIN(at) FROM counter_events WHERE key = $1 AND at >= $2`,
			key, tz(now.Add(-window))).Scan(&n, ts(&oldest)); err != nil {
			return fmt.Errorf("store: count %s: %w", key, err)
		}
		if n >= limit {
			return &phonegate.LimitedError{Key: key, RetryAt: oldest.Add(window)}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO counter_events (key, at) VALUES ($1, $2) RETURNING id`,
			key, tz(now)).Scan(&id); err != nil {
			return fmt.Errorf("store: count %s: %w", key, err)
		}
		return nil
	})
	return id, err
}

// ForgetAttempt takes back an attempt TakeAttempt counted, when it turned out not to be a
// failure: limits count failures, not successes.
func (db *DB) ForgetAttempt(ctx context.Context, id int64) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM counter_events WHERE id = $1`, id); err != nil {
		return fmt.Errorf("store: forget attempt: %w", err)
	}
	return nil
}

// RecordFailedLogin counts a failed login toward its throttle, unless the throttle is already
// full, and writes a "login.failed" audit event in the user's projects, in one transaction. It
// reports whether the throttle was full.
func (db *DB) RecordFailedLogin(ctx context.Context, f phonegate.FailedLogin) (throttled bool, err error) {
	err = db.tx(ctx, func(tx pgx.Tx) error {
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
