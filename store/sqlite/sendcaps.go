package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// checkSendCaps returns who asked for req, and why it may not be sent
// under the caps (phonegate.CheckSendCaps), or nil; then countSendCaps
// counts it. Both run inside ReserveSend's transaction.
func checkSendCaps(ctx context.Context, tx *sql.Tx, req phonegate.SendRequest) (phonegate.SendOrigin, error) {
	var o phonegate.SendOrigin
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(user_id, 0), session_hash, purpose, send_addr FROM challenges WHERE id = ?`,
		req.ChallengeID).Scan(&o.UserID, &o.SessionHash, &o.Purpose, &o.Addr)
	if err != nil {
		return o, notFound(err, "challenge")
	}
	o = o.Asked(req)
	return o, phonegate.CheckSendCaps(ctx, capCounts{tx}, req, o)
}

// capCounts answers the caps' questions inside one transaction.
type capCounts struct{ tx *sql.Tx }

func (c capCounts) WindowLimited(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	return windowLimited(ctx, c.tx, key, limit, window, now)
}

func (c capCounts) DistinctLimited(ctx context.Context, prefix, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	return distinctLimited(ctx, c.tx, prefix, key, limit, window, now)
}

func (c capCounts) DailySent(ctx context.Context, channel string, now time.Time) (int, error) {
	var n int
	err := c.tx.QueryRowContext(ctx, `SELECT n FROM send_totals WHERE day = ? AND channel = ?`, now.Unix()/86400, channel).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("store: daily sends: %w", err)
	}
	return n, nil
}

// countSendCaps counts a send that checkSendCaps allowed.
func countSendCaps(ctx context.Context, tx *sql.Tx, req phonegate.SendRequest, o phonegate.SendOrigin) error {
	now := req.Now
	for _, k := range phonegate.SendCapKeys(req, o) {
		if err := addEvent(ctx, tx, k, now); err != nil {
			return err
		}
	}
	if o.NewAddr != "" {
		if _, err := tx.ExecContext(ctx, `UPDATE challenges SET send_addr = ? WHERE id = ?`, o.NewAddr, req.ChallengeID); err != nil {
			return fmt.Errorf("store: send address: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO send_totals (day, channel, n) VALUES (?, ?, 1)
		ON CONFLICT (day, channel) DO UPDATE SET n = n + 1`, now.Unix()/86400, req.Channel)
	if err != nil {
		return fmt.Errorf("store: daily sends: %w", err)
	}
	return nil
}

// windowLimited is phonegate.SendCapCounts.WindowLimited in tx.
func windowLimited(ctx context.Context, tx *sql.Tx, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	since := now.Add(-window + time.Second)
	n, err := countEvents(ctx, tx, key, since)
	if err != nil || n < limit {
		return time.Time{}, false, err
	}
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT at FROM counter_events WHERE key = ? AND at >= ? ORDER BY at LIMIT 1 OFFSET ?`,
		key, since.Unix(), n-limit).Scan(&at)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: send window %s: %w", key, err)
	}
	return time.Unix(at, 0).Add(window).UTC(), true, nil
}

// distinctLimited reports whether key, one of the keys that start with
// prefix, would make more than limit different keys of prefix seen in the
// window before now: a key seen in the window already is never limited.
// When limited, it says when enough keys will have left the window.
func distinctLimited(ctx context.Context, tx *sql.Tx, prefix, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	since := now.Add(-window + time.Second)
	// Keys that start with prefix sort from prefix to just before the
	// prefix with its last byte (':') raised by one.
	end := prefix[:len(prefix)-1] + string(rune(prefix[len(prefix)-1]+1))
	rows, err := tx.QueryContext(ctx, `SELECT key, MAX(at) AS last FROM counter_events
		WHERE key >= ? AND key < ? AND at >= ? GROUP BY key ORDER BY last`, prefix, end, since.Unix())
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
	}
	defer rows.Close()
	var lasts []int64
	for rows.Next() {
		var k string
		var last int64
		if err := rows.Scan(&k, &last); err != nil {
			return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
		}
		if k == key {
			return time.Time{}, false, nil
		}
		lasts = append(lasts, last)
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
	}
	if len(lasts) < limit {
		return time.Time{}, false, nil
	}
	// Below the limit again once the len-limit+1 keys seen longest ago have
	// left the window.
	return time.Unix(lasts[len(lasts)-limit], 0).Add(window).UTC(), true, nil
}

// DailySends returns how many codes went out by channel on now's UTC day.
func (db *DB) DailySends(ctx context.Context, channel string, now time.Time) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT n FROM send_totals WHERE day = ? AND channel = ?`,
		now.Unix()/86400, channel).Scan(&n)
	if err != nil && err != sql.ErrNoRows {
		return 0, fmt.Errorf("store: daily sends: %w", err)
	}
	return n, nil
}
