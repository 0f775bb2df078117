package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// CountEvents returns how many events of key happened at or after since.
func (db *DB) CountEvents(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM counter_events WHERE key = ? AND at >= ?`,
		key, since.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s: %w", key, err)
	}
	return n, nil
}

// AddEvent counts one event of key at now.
func (db *DB) AddEvent(ctx context.Context, key string, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return addEvent(ctx, tx, key, now) })
}

func addEvent(ctx context.Context, tx *sql.Tx, key string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO counter_events (key, at) VALUES (?, ?)`, key, now.Unix()); err != nil {
		return fmt.Errorf("store: count %s: %w", key, err)
	}
	return nil
}

func countEvents(ctx context.Context, tx *sql.Tx, key string, since time.Time) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM counter_events WHERE key = ? AND at >= ?`,
		key, since.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count %s: %w", key, err)
	}
	return n, nil
}

// TakeEvent counts one event of key at now unless limit events already
// happened at or after since, in which case it returns ErrLimited. The
// check and the count are one transaction, so concurrent callers cannot
// both slip under the limit.
func (db *DB) TakeEvent(ctx context.Context, key string, limit int, since, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return takeEvent(ctx, tx, key, limit, since, now) })
}

func takeEvent(ctx context.Context, tx *sql.Tx, key string, limit int, since, now time.Time) error {
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
	if _, err := db.write.ExecContext(ctx, `DELETE FROM counter_events WHERE at < ?`, before.Unix()); err != nil {
		return fmt.Errorf("store: prune counters: %w", err)
	}
	return nil
}
