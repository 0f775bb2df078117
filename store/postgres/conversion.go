package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const conversionAlarmKey = "alarm:conversion"

// CheckConversion measures the challenges made in the ConversionWindow that ended ChallengeLife
// before now. When the rate is Low it raises the alarm, at most once per ConversionWindow
// whatever the number of instances asking: the alarm is taken as a counter event under its
// key's lock and written as an audit event of no project ("send.conversion_low"), in one
// transaction. raised reports whether this call raised it.
func (db *DB) CheckConversion(ctx context.Context, now time.Time) (c phonegate.Conversion, raised bool, err error) {
	c.To = now.Add(-phonegate.ChallengeLife).Truncate(time.Second)
	c.From = c.To.Add(-phonegate.ConversionWindow)
	err = db.tx(ctx, func(tx pgx.Tx) error {
		raised = false
		err := tx.QueryRow(ctx, `SELECT count(d.id), count(DISTINCT CASE WHEN c.state = 'used' THEN c.id END)
			FROM challenges c JOIN deliveries d ON d.challenge_id = c.id
			WHERE c.created_at >= $1 AND c.created_at < $2 AND NOT (d.status = 'failed' AND d.sid = '')`,
			tz(c.From), tz(c.To)).Scan(&c.Sent, &c.Passed)
		if err != nil {
			return fmt.Errorf("store: conversion: %w", err)
		}
		if !c.Low() {
			return nil
		}
		err = takeEvent(ctx, tx, conversionAlarmKey, 1, now.Add(-phonegate.ConversionWindow+time.Second), now)
		if errors.Is(err, phonegate.ErrLimited) {
			return nil // raised within the hour already
		}
		if err != nil {
			return err
		}
		raised = true
		return addAudit(ctx, tx, phonegate.AuditEvent{Kind: "send.conversion_low", At: now, Detail: fmt.Sprintf(
			"%d of %d codes sent for challenges made %s to %s UTC were passed (%.0f%%): codes may be sent to numbers nobody holds (SMS pumping)",
			c.Passed, c.Sent, c.From.UTC().Format("15:04"), c.To.UTC().Format("15:04"), 100*c.Rate())})
	})
	return c, raised, err
}
