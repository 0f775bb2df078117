package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SetRoleBy changes a member's role on behalf of actorID and audits the
// change, in one transaction. It refuses, with ErrLastOwner, to demote the
// project's last owner, and returns the old role.
func (db *DB) SetRoleBy(ctx context.Context, projectID, userID, actorID int64, role string, now time.Time) (old string, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT role FROM memberships WHERE project_id = ? AND user_id = ?`,
			projectID, userID).Scan(&old); err != nil {
			return notFound(err, "membership")
		}
		if old == role {
			return nil
		}
		if role != RoleOwner {
			if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = ? WHERE project_id = ? AND user_id = ?`,
			role, projectID, userID); err != nil {
			return fmt.Errorf("store: set role: %w", err)
		}
		return addAudit(ctx, tx, AuditEvent{ProjectID: projectID, UserID: userID, ActorID: actorID,
			Kind: "member.role", Detail: "role " + old + " → " + role, At: now})
	})
	return old, err
}

// RemoveMemberBy removes a member on behalf of actorID and audits it, in
// one transaction. It refuses, with ErrLastOwner, to remove the project's
// last owner.
func (db *DB) RemoveMemberBy(ctx context.Context, projectID, userID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
			return err
		}
		var role, email string
		err := tx.QueryRowContext(ctx, `SELECT m.role, u.email FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.project_id = ? AND m.user_id = ?`, projectID, userID).Scan(&role, &email)
		if err != nil {
			return notFound(err, "membership")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE project_id = ? AND user_id = ?`,
			projectID, userID); err != nil {
			return fmt.Errorf("store: remove member: %w", err)
		}
		return addAudit(ctx, tx, AuditEvent{ProjectID: projectID, UserID: userID, ActorID: actorID,
			Kind: "member.removed", Detail: email + " (" + role + ") removed", At: now})
	})
}
