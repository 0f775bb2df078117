package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// nullID stores an ID of 0 as NULL.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func addAudit(ctx context.Context, tx pgx.Tx, e phonegate.AuditEvent) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_events (project_id, user_id, actor_id, kind, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, nullID(e.ProjectID), nullID(e.UserID), nullID(e.ActorID), e.Kind, e.Detail, tz(e.At))
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// addUserAudit writes an event about a user into the log of each project it concerns
// (phonegate.AccountEvent): of the projects the user accepted, all of them for an account event, those
// with two-factor on, as they stand now, for a second-factor event.
func addUserAudit(ctx context.Context, tx pgx.Tx, e phonegate.AuditEvent) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_events (project_id, user_id, actor_id, kind, detail, created_at)
		SELECT m.project_id, $1, $2, $3, $4, $5 FROM memberships m JOIN projects p ON p.id = m.project_id
		WHERE m.user_id = $6 AND m.accepted_at IS NOT NULL AND ($7::boolean OR p.mfa_level <> 'off')`,
		nullID(e.UserID), nullID(e.ActorID), e.Kind, e.Detail, tz(e.At), e.UserID, phonegate.AccountEvent(e.Kind))
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AddUserAudit writes an event about a user into the audit log of each project it concerns:
// see phonegate.AccountEvent.
func (db *DB) AddUserAudit(ctx context.Context, e phonegate.AuditEvent) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return addUserAudit(ctx, tx, e) })
}

// auditColumns are the columns an audit listing reads, with the emails of the user and the
// actor.
const auditColumns = `a.id, COALESCE(a.project_id, 0), COALESCE(a.user_id, 0),
	COALESCE(a.actor_id, 0), a.kind, a.detail, a.created_at, COALESCE(u.email, ''), COALESCE(x.email, '')
	FROM audit_events a
	LEFT JOIN users u ON u.id = a.user_id
	LEFT JOIN users x ON x.id = a.actor_id`

// AuditEvents lists a project's events newest first: at most limit of them with an ID below
// before (0 for the newest).
func (db *DB) AuditEvents(ctx context.Context, projectID, before int64, limit int) ([]phonegate.AuditEvent, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := db.pool.Query(ctx, `SELECT `+auditColumns+`
		WHERE a.project_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3`, projectID, before, limit)
	return scanAuditEvents(rows, err)
}

// AuditEventsAfter lists the limit events of a project just newer than the event after,
// newest first: the page before the one that starts at after.
func (db *DB) AuditEventsAfter(ctx context.Context, projectID, after int64, limit int) ([]phonegate.AuditEvent, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+auditColumns+`
		WHERE a.project_id = $1 AND a.id > $2 ORDER BY a.id ASC LIMIT $3`, projectID, after, limit)
	es, err := scanAuditEvents(rows, err)
	slices.Reverse(es)
	return es, err
}

// SystemAuditEvents lists the audit events of no project, about no user (the server's own,
// such as the conversion alarm), newest first.
func (db *DB) SystemAuditEvents(ctx context.Context, limit int) ([]phonegate.AuditEvent, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+auditColumns+`
		WHERE a.project_id IS NULL AND a.user_id IS NULL ORDER BY a.id DESC LIMIT $1`, limit)
	return scanAuditEvents(rows, err)
}

func scanAuditEvents(rows pgx.Rows, err error) ([]phonegate.AuditEvent, error) {
	if err != nil {
		return nil, fmt.Errorf("store: audit events: %w", err)
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.AuditEvent, error) {
		var e phonegate.AuditEvent
		err := row.Scan(&e.ID, &e.ProjectID, &e.UserID, &e.ActorID, &e.Kind, &e.Detail, ts(&e.At),
			&e.UserEmail, &e.ActorEmail)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: audit events: %w", err)
	}
	return es, nil
}

// AddAudit writes an audit event.
func (db *DB) AddAudit(ctx context.Context, e phonegate.AuditEvent) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return addAudit(ctx, tx, e) })
}
