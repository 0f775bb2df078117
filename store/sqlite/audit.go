package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/phonegate/phonegate"
)

// AddAudit writes an audit event.
func (db *DB) AddAudit(ctx context.Context, e phonegate.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return addAudit(ctx, tx, e) })
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func addAudit(ctx context.Context, tx *sql.Tx, e phonegate.AuditEvent) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_events (project_id, user_id, actor_id, kind, detail, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, nullID(e.ProjectID), nullID(e.UserID), nullID(e.ActorID), e.Kind, e.Detail, e.At.Unix())
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// addUserAudit writes an event about a user into the log of each project
// it concerns (phonegate.AccountEvent): of the projects the user belongs to and had
// accepted when it happened, all of them for an account event, those with
// two-factor on for a second-factor event. A project that merely added the
// user learns nothing of their account.
func addUserAudit(ctx context.Context, tx *sql.Tx, e phonegate.AuditEvent) error {
	_, err := tx.ExecContext(ctx, userAuditSQL, userAuditArgs(e)...)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// userAuditArgs are userAuditSQL's arguments for e.
func userAuditArgs(e phonegate.AuditEvent) []any {
	return []any{nullID(e.UserID), nullID(e.ActorID), e.Kind, e.Detail, e.At.Unix(), e.UserID,
		phonegate.AccountEvent(e.Kind)}
}

// userAuditSQL writes an event about a user into each project the user
// accepted; its last argument is true for an account event and false for
// a second-factor one, which goes only where two-factor is on, as the
// project stands when it happens.
const userAuditSQL = `INSERT INTO audit_events (project_id, user_id, actor_id, kind, detail, created_at)
	SELECT m.project_id, ?, ?, ?, ?, ? FROM memberships m JOIN projects p ON p.id = m.project_id
	WHERE m.user_id = ? AND m.accepted_at > 0 AND (? OR p.mfa_level != 'off')`

// AddUserAudit writes an event about a user into the audit log of each
// project it concerns: see phonegate.AccountEvent.
func (db *DB) AddUserAudit(ctx context.Context, e phonegate.AuditEvent) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return addUserAudit(ctx, tx, e) })
}

// AuditEvents lists a project's events newest first: at most limit of
// them with an ID below before (0 for the newest).
func (db *DB) AuditEvents(ctx context.Context, projectID, before int64, limit int) ([]phonegate.AuditEvent, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+`
		WHERE a.project_id = ? AND a.id < ? ORDER BY a.id DESC LIMIT ?`, projectID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit events: %w", err)
	}
	return scanAuditEvents(rows)
}
