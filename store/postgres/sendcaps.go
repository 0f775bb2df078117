package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// day is the UTC day of t, as send_totals counts it.
func day(t time.Time) int64 { return t.Unix() / 86400 }

// checkSendCaps returns who asked for req, and why it may not be sent under the caps
// (phonegate.CheckSendCaps), or nil; then countSendCaps counts it. Both run inside
// ReserveSend's transaction, under sendLock.
func checkSendCaps(ctx context.Context, tx pgx.Tx, req phonegate.SendRequest) (phonegate.SendOrigin, error) {
	var o phonegate.SendOrigin
	err := tx.QueryRow(ctx, `SELECT COALESCE(user_id, 0), session_hash, purpose, send_addr FROM challenges WHERE id = $1`,
		req.ChallengeID).Scan(&o.UserID, &o.SessionHash, &o.Purpose, &o.Addr)
	if err != nil {
		return o, notFound(err, "challenge")
	}
	o = o.Asked(req)
	return o, phonegate.CheckSendCaps(ctx, capCounts{tx}, req, o)
}

// capCounts answers the caps' questions inside one transaction.
type capCounts struct{ tx pgx.Tx }

func (c capCounts) WindowLimited(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	return windowLimited(ctx, c.tx, key, limit, window, now)
}

func (c capCounts) DistinctLimited(ctx context.Context, prefix, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	return distinctLimited(ctx, c.tx, prefix, key, limit, window, now)
}

func (c capCounts) DailySent(ctx context.Context, channel string, now time.Time) (int, error) {
	var n int
	err := c.tx.QueryRow(ctx, `SELECT n FROM send_totals WHERE day = $1 AND channel = $2`, day(now), channel).Scan(&n)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("store: daily sends: %w", err)
	}
	return n, nil
}

// countSendCaps counts a send that checkSendCaps allowed.
func countSendCaps(ctx context.Context, tx pgx.Tx, req phonegate.SendRequest, o phonegate.SendOrigin) error {
	now := req.Now
	for _, k := range phonegate.SendCapKeys(req, o) {
		if err := addEvent(ctx, tx, k, now); err != nil {
			return err
		}
	}
	if o.NewAddr != "" {
		if _, err := tx.Exec(ctx, `UPDATE challenges SET send_addr = $1 WHERE id = $2`, o.NewAddr, req.ChallengeID); err != nil {
			return fmt.Errorf("store: send address: %w", err)
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO send_totals (day, channel, n) VALUES ($1, $2, 1)
		ON CONFLICT (day, channel) DO UPDATE SET n = send_totals.n + 1`, day(now), req.Channel)
	if err != nil {
		return fmt.Errorf("store: daily sends: %w", err)
	}
	return nil
}

// windowLimited reports whether limit events of key happened in the window before now (open at
// its start: an event exactly window old has left it), and if so when the oldest of them that
// keeps the count at the limit leaves it.
func windowLimited(ctx context.Context, tx pgx.Tx, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	since := now.Add(-window + time.Second)
	n, err := countEvents(ctx, tx, key, since)
	if err != nil || n < limit {
		return time.Time{}, false, err
	}
	var at time.Time
	err = tx.QueryRow(ctx, `SELECT at FROM counter_events WHERE key = $1 AND at >= $2 ORDER BY at LIMIT 1 OFFSET $3`,
		key, tz(since), n-limit).Scan(ts(&at))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: send window %s: %w", key, err)
	}
	return at.Add(window), true, nil
}

// distinctLimited reports whether key, one of the keys that start with prefix, would make more
// than limit different keys of prefix seen in the window before now: a key seen in the window
// already is never limited. When limited, it says when enough keys will have left the window.
func distinctLimited(ctx context.Context, tx pgx.Tx, prefix, key string, limit int, window time.Duration, now time.Time) (time.Time, bool, error) {
	since := now.Add(-window + time.Second)
	rows, err := tx.Query(ctx, `SELECT key, MAX(at) AS last FROM counter_events
		WHERE starts_with(key, $1) AND at >= $2 GROUP BY key ORDER BY last`, prefix, tz(since))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: count %s: %w", prefix, err)
	}
	defer rows.Close()
	var lasts []time.Time
	for rows.Next() {
		var k string
		var last time.Time
		if err := rows.Scan(&k, ts(&last)); err != nil {
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
	return lasts[len(lasts)-limit].Add(window), true, nil
}
