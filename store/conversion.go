package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The conversion alarm (DESIGN §2, "send abuse"). SMS pumping sends many
// codes that nobody types: a low share of passed codes is its mark.
const (
	ConversionWindow   = time.Hour // the challenges of one hour are measured together
	ConversionMinSends = 20        // fewer sends than this say nothing
	ConversionLow      = 0.5       // below this share of passes, the alarm goes
	conversionAlarmKey = "alarm:conversion"
)

// Conversion is the conversion rate of the challenges made in [From, To):
// Sent codes went out for them (sends the provider refused are not
// counted), Passed of them were passed with the code or a reply.
type Conversion struct {
	From, To     time.Time
	Sent, Passed int
}

// Rate is Passed / Sent, or 1 when nothing was sent.
func (c Conversion) Rate() float64 {
	if c.Sent == 0 {
		return 1
	}
	return float64(c.Passed) / float64(c.Sent)
}

// Low reports whether the rate says something is wrong: at least
// ConversionMinSends sends and a rate below ConversionLow.
func (c Conversion) Low() bool { return c.Sent >= ConversionMinSends && c.Rate() < ConversionLow }

// CheckConversion measures the challenges made in the ConversionWindow
// that ended ChallengeLife before now, so that every one of them has ended
// and had its chance to pass. When the rate is Low it raises the alarm,
// at most once per ConversionWindow whatever the number of processes
// asking: the alarm is taken as a counter event and written as an audit
// event of no project ("send.conversion_low"), in one transaction.
// raised reports whether this call raised it.
func (db *DB) CheckConversion(ctx context.Context, now time.Time) (c Conversion, raised bool, err error) {
	c.To = now.Add(-ChallengeLife).Truncate(time.Second)
	c.From = c.To.Add(-ConversionWindow)
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
		err = takeEvent(ctx, tx, conversionAlarmKey, 1, now.Add(-ConversionWindow+time.Second), now)
		if errors.Is(err, ErrLimited) {
			return nil // raised within the hour already
		}
		if err != nil {
			return err
		}
		raised = true
		return addAudit(ctx, tx, AuditEvent{Kind: "send.conversion_low", At: now, Detail: fmt.Sprintf(
			"%d of %d codes sent for challenges made %s to %s UTC were passed (%.0f%%): codes may be sent to numbers nobody holds (SMS pumping)",
			c.Passed, c.Sent, c.From.UTC().Format("15:04"), c.To.UTC().Format("15:04"), 100*c.Rate())})
	})
	return c, raised, err
}

// SystemAuditEvents lists the audit events of no project, about no user
// (the server's own, such as the conversion alarm), newest first.
func (db *DB) SystemAuditEvents(ctx context.Context, limit int) ([]AuditEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, kind, detail, created_at FROM audit_events
		WHERE project_id IS NULL AND user_id IS NULL ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: system audit events: %w", err)
	}
	defer rows.Close()
	var es []AuditEvent
	for rows.Next() {
		var e AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("store: system audit events: %w", err)
		}
		e.At = unix(at)
		es = append(es, e)
	}
	return es, rows.Err()
}
