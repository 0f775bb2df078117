package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

const conversionAlarmKey = "alarm:conversion"

// CheckConversion measures the challenges made in the ConversionWindow
// that ended ChallengeLife before now, so that every one of them has ended
// and had its chance to pass. When the rate is Low it raises the alarm,
// at most once per ConversionWindow whatever the number of processes
// asking: the alarm is taken as a counter event and written as an audit
// event of no project ("send.conversion_low"), in one transaction.
// raised reports whether this call raised it.
func (db *DB) CheckConversion(ctx context.Context, now time.Time) (c phonegate.Conversion, raised bool, err error) {
	c.To = now.Add(-phonegate.ChallengeLife).Truncate(time.Second)
	c.From = c.To.Add(-phonegate.ConversionWindow)
	err = db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT COUNT(d.id), COUNT(DISTINCT CASE WHEN c.state = 'used' THEN c.id END)
			FROM challenges c JOIN deliveries d ON d.challenge_id = c.id
			WHERE c.created_at >= ? AND c.created_at < ? AND NOT (d.status = 'failed' AND d.sid = '')`,
			c.From.Unix(), c.To.Unix()).Scan(&c.Sent, &c.Passed)
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

// SystemAuditEvents lists the audit events of no project, about no user
// (the server's own, such as the conversion alarm), newest first.
func (db *DB) SystemAuditEvents(ctx context.Context, limit int) ([]phonegate.AuditEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, detail, created_at FROM audit_events
		WHERE project_id IS NULL AND user_id IS NULL ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: system audit events: %w", err)
	}
	defer rows.Close()
	var es []phonegate.AuditEvent
	for rows.Next() {
		var e phonegate.AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("store: system audit events: %w", err)
		}
		e.At = unix(at)
		es = append(es, e)
	}
	return es, rows.Err()
}
