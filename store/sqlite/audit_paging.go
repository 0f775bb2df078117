package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/phonegate/phonegate"
)

// auditColumns are the columns an audit listing reads, with the emails of
// the user and the actor.
const auditColumns = `a.id, COALESCE(a.project_id, 0), COALESCE(a.user_id, 0),
	COALESCE(a.actor_id, 0), a.kind, a.detail, a.created_at, COALESCE(u.email, ''), COALESCE(x.email, '')
	FROM audit_events a
	LEFT JOIN users u ON u.id = a.user_id
	LEFT JOIN users x ON x.id = a.actor_id`

// AuditEventsAfter lists the limit events of a project just newer than
// the event after, newest first: the page before the one that starts at
// after, for paging back towards the newest.
func (db *DB) AuditEventsAfter(ctx context.Context, projectID, after int64, limit int) ([]phonegate.AuditEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+auditColumns+`
		WHERE a.project_id = ? AND a.id > ? ORDER BY a.id ASC LIMIT ?`, projectID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit events: %w", err)
	}
	es, err := scanAuditEvents(rows)
	slices.Reverse(es)
	return es, err
}

func scanAuditEvents(rows *sql.Rows) ([]phonegate.AuditEvent, error) {
	defer rows.Close()
	var es []phonegate.AuditEvent
	for rows.Next() {
		var e phonegate.AuditEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.UserID, &e.ActorID, &e.Kind, &e.Detail, &at,
			&e.UserEmail, &e.ActorEmail); err != nil {
			return nil, fmt.Errorf("store: audit events: %w", err)
		}
		e.At = unix(at)
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit events: %w", err)
	}
	return es, nil
}
