package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/phonegate/phonegate"
)

// checkOwnerNames returns ErrNameTaken if ownerID owns a project other
// than except whose name is name, ignoring case (Unicode case folding:
// "ÉCOLE" and "école" are one name, and so are an "é" typed as one
// character or as e and an accent). The names are compared in Go, since
// SQLite's lower() folds only ASCII letters; one owner has few projects.
func checkOwnerNames(ctx context.Context, tx *sql.Tx, ownerID, except int64, name string) error {
	rows, err := tx.QueryContext(ctx, `SELECT p.name FROM projects p JOIN memberships m ON m.project_id = p.id
		WHERE m.user_id = ? AND m.role = ? AND p.id != ?`, ownerID, phonegate.RoleOwner, except)
	if err != nil {
		return fmt.Errorf("store: project names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("store: project names: %w", err)
		}
		if strings.EqualFold(norm.NFC.String(n), norm.NFC.String(name)) {
			return fmt.Errorf("store: project %q: %w", name, phonegate.ErrNameTaken)
		}
	}
	return rows.Err()
}

// RenameProject gives a project a new name and audits the change. It
// returns ErrNameTaken when any owner of the project owns another project
// of that name, and the old name otherwise.
func (db *DB) RenameProject(ctx context.Context, projectID, actorID int64, name string, now time.Time) (old string, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM projects WHERE id = ?`, projectID).Scan(&old); err != nil {
			return notFound(err, "project")
		}
		if old == name {
			return nil
		}
		owners, err := projectOwners(ctx, tx, projectID)
		if err != nil {
			return err
		}
		for _, o := range owners {
			if err := checkOwnerNames(ctx, tx, o, projectID, name); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE projects SET name = ? WHERE id = ?`, name, projectID); err != nil {
			return fmt.Errorf("store: rename project: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "project.renamed", Detail: old + " → " + name, At: now})
	})
	return old, err
}

// checkNewOwnerNames returns ErrNameTaken if userID, about to become an
// owner of projectID, already owns another project of its name. A member
// who has not accepted the project is not checked: the answer would tell
// the project something of an account that has not consented to it.
func checkNewOwnerNames(ctx context.Context, tx *sql.Tx, projectID, userID int64) error {
	var name string
	var accepted int64
	if err := tx.QueryRowContext(ctx, `SELECT p.name, m.accepted_at FROM projects p
		JOIN memberships m ON m.project_id = p.id WHERE p.id = ? AND m.user_id = ?`, projectID, userID).Scan(&name, &accepted); err != nil {
		return notFound(err, "membership")
	}
	if accepted <= 0 {
		return nil
	}
	return checkOwnerNames(ctx, tx, userID, projectID, name)
}

// projectOwners lists the IDs of a project's owners.
func projectOwners(ctx context.Context, tx *sql.Tx, projectID int64) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM memberships WHERE project_id = ? AND role = ?`, projectID, phonegate.RoleOwner)
	if err != nil {
		return nil, fmt.Errorf("store: project owners: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: project owners: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
