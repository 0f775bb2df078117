package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/phonegate/phonegate"
)

// checkOwnerNames returns ErrNameTaken if ownerID owns a project other than except whose name
// is name, ignoring case as store/sqlite does (Unicode case folding of the NFC forms, in Go, so
// that both stores agree whatever the database's collation); one owner has few projects.
func checkOwnerNames(ctx context.Context, tx pgx.Tx, ownerID, except int64, name string) error {
	rows, err := tx.Query(ctx, `SELECT p.name FROM projects p JOIN memberships m ON m.project_id = p.id
		WHERE m.user_id = $1 AND m.role = $2 AND p.id <> $3`, ownerID, phonegate.RoleOwner, except)
	if err != nil {
		return fmt.Errorf("store: project names: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("store: project names: %w", err)
	}
	for _, n := range names {
		if strings.EqualFold(norm.NFC.String(n), norm.NFC.String(name)) {
			return fmt.Errorf("store: project %q: %w", name, phonegate.ErrNameTaken)
		}
	}
	return nil
}

// RenameProject gives a project a new name and audits the change. It returns ErrNameTaken when
// any owner of the project owns another project of that name, and the old name otherwise. The
// owners' rows are locked, in ID order, before their names are read.
func (db *DB) RenameProject(ctx context.Context, projectID, actorID int64, name string, now time.Time) (old string, err error) {
	err = db.tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT name FROM projects WHERE id = $1 FOR UPDATE`, projectID).Scan(&old); err != nil {
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
			if err := lockUser(ctx, tx, o); err != nil {
				return err
			}
		}
		for _, o := range owners {
			if err := checkOwnerNames(ctx, tx, o, projectID, name); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE projects SET name = $1 WHERE id = $2`, name, projectID); err != nil {
			return fmt.Errorf("store: rename project: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "project.renamed", Detail: old + " → " + name, At: now})
	})
	return old, err
}

// checkNewOwnerNames returns ErrNameTaken if userID, about to become an owner of projectID,
// already owns another project of its name. A member who has not accepted the project is not
// checked: the answer would tell the project something of an account that has not consented.
func checkNewOwnerNames(ctx context.Context, tx pgx.Tx, projectID, userID int64) error {
	var name string
	var accepted time.Time
	if err := tx.QueryRow(ctx, `SELECT p.name, m.accepted_at FROM projects p
		JOIN memberships m ON m.project_id = p.id WHERE p.id = $1 AND m.user_id = $2`, projectID, userID).Scan(&name, ts(&accepted)); err != nil {
		return notFound(err, "membership")
	}
	if accepted.IsZero() {
		return nil
	}
	if err := lockUser(ctx, tx, userID); err != nil {
		return err
	}
	return checkOwnerNames(ctx, tx, userID, projectID, name)
}

// projectOwners lists the IDs of a project's owners, in order.
func projectOwners(ctx context.Context, tx pgx.Tx, projectID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT user_id FROM memberships WHERE project_id = $1 AND role = $2 ORDER BY user_id`,
		projectID, phonegate.RoleOwner)
	if err != nil {
		return nil, fmt.Errorf("store: project owners: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("store: project owners: %w", err)
	}
	slices.Sort(ids)
	return ids, nil
}
