package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// SendBlocks reads the limits of sends to number to at now, with caps the
// server's daily caps. It only reads.
func (db *DB) SendBlocks(ctx context.Context, to string, caps phonegate.DailyCaps, now time.Time) (phonegate.SendBlocks, error) {
	var b phonegate.SendBlocks
	since := now.Add(-phonegate.SendWindow + time.Second) // the window of checkSendLimits
	var n int
	var oldest sql.NullInt64
	// The send that keeps the count at the limit is the MaxNumberSends-th
	// newest: the window frees a slot when it leaves.
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), (SELECT at FROM counter_events WHERE key = ?1 AND at >= ?2
		ORDER BY at DESC LIMIT 1 OFFSET ?3) FROM counter_events WHERE key = ?1 AND at >= ?2`,
		phonegate.SendsKey(to), since.Unix(), phonegate.MaxNumberSends-1).Scan(&n, &oldest)
	if err != nil {
		return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	if n >= phonegate.MaxNumberSends && oldest.Valid {
		b.NumberUntil = time.Unix(oldest.Int64, 0).Add(phonegate.SendWindow).UTC()
	}
	rows, err := db.read.QueryContext(ctx, `SELECT channel, n FROM send_totals WHERE day = ?`, now.Unix()/86400)
	if err != nil {
		return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ch string
		var sent int
		if err := rows.Scan(&ch, &sent); err != nil {
			return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
		}
		switch {
		case ch == phonegate.ChannelSMS && sent >= caps.Of(phonegate.ChannelSMS):
			b.DailySMS = true
		case ch == phonegate.ChannelCall && sent >= caps.Of(phonegate.ChannelCall):
			b.DailyCalls = true
		}
	}
	if err := rows.Err(); err != nil {
		return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	return b, nil
}
