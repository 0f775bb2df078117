package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// SendBlocks reads the limits of sends to number to at now, with caps the server's daily caps.
// It only reads.
func (db *DB) SendBlocks(ctx context.Context, to string, caps phonegate.DailyCaps, now time.Time) (phonegate.SendBlocks, error) {
	var b phonegate.SendBlocks
	since := now.Add(-phonegate.SendWindow + time.Second) // the window of checkSendLimits
	var n int
	var oldest time.Time
	// The send that keeps the count at the limit is the MaxNumberSends-th newest: the window
	// frees a slot when it leaves.
	err := db.pool.QueryRow(ctx, `SELECT count(*), (SELECT at FROM counter_events WHERE key = $1 AND at >= $2
		ORDER BY at DESC LIMIT 1 OFFSET $3) FROM counter_events WHERE key = $1 AND at >= $2`,
		phonegate.SendsKey(to), tz(since), phonegate.MaxNumberSends-1).Scan(&n, ts(&oldest))
	if err != nil {
		return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	if n >= phonegate.MaxNumberSends && !oldest.IsZero() {
		b.NumberUntil = oldest.Add(phonegate.SendWindow)
	}
	rows, err := db.pool.Query(ctx, `SELECT channel, n FROM send_totals WHERE day = $1`, day(now))
	if err != nil {
		return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	var ch string
	var sent int
	_, err = pgx.ForEachRow(rows, []any{&ch, &sent}, func() error {
		switch {
		case ch == phonegate.ChannelSMS && sent >= caps.Of(phonegate.ChannelSMS):
			b.DailySMS = true
		case ch == phonegate.ChannelCall && sent >= caps.Of(phonegate.ChannelCall):
			b.DailyCalls = true
		}
		return nil
	})
	if err != nil {
		return phonegate.SendBlocks{}, fmt.Errorf("store: send blocks: %w", err)
	}
	return b, nil
}
