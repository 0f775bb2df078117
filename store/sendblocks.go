package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SendBlocks are the limits that stop every send to a number now, whoever
// asks: what the code page says before the user tries, rather than after
// a refused send. ReserveSend still decides each send.
type SendBlocks struct {
	// NumberUntil is when the number may be sent a code again after it got
	// MaxNumberSends in the last SendWindow; zero when it may now.
	NumberUntil time.Time
	// DailySMS and DailyCalls report that the server's cap of the UTC day
	// is reached for that channel (until 00:00 UTC).
	DailySMS, DailyCalls bool
}

// SendBlocks reads the limits of sends to number to at now, with caps the
// server's daily caps. It only reads.
func (db *DB) SendBlocks(ctx context.Context, to string, caps DailyCaps, now time.Time) (SendBlocks, error) {
	var b SendBlocks
	since := now.Add(-SendWindow + time.Second) // the window of checkSendLimits
	var n int
	var oldest sql.NullInt64
	// The send that keeps the count at the limit is the MaxNumberSends-th
	// newest: the window frees a slot when it leaves.
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), (SELECT at FROM counter_events WHERE key = ?1 AND at >= ?2
		ORDER BY at DESC LIMIT 1 OFFSET ?3) FROM counter_events WHERE key = ?1 AND at >= ?2`,
		SendsKey(to), since.Unix(), MaxNumberSends-1).Scan(&n, &oldest)
	if err != nil {
		return SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	if n >= MaxNumberSends && oldest.Valid {
		b.NumberUntil = time.Unix(oldest.Int64, 0).Add(SendWindow).UTC()
	}
	rows, err := db.read.QueryContext(ctx, `SELECT channel, n FROM send_totals WHERE day = ?`, now.Unix()/86400)
	if err != nil {
		return SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ch string
		var sent int
		if err := rows.Scan(&ch, &sent); err != nil {
			return SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
		}
		switch {
		case ch == ChannelSMS && sent >= caps.Of(ChannelSMS):
			b.DailySMS = true
		case ch == ChannelCall && sent >= caps.Of(ChannelCall):
			b.DailyCalls = true
		}
	}
	if err := rows.Err(); err != nil {
		return SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	return b, nil
}
