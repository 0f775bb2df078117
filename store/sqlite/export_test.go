package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// markNewerForTest records a migration this build does not know, as a newer
// phonegate would have.
func markNewerForTest(t *testing.T, path string, version int) {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 0)`, version); err != nil {
		t.Fatal(err)
	}
}

// MarkNewer is markNewerForTest for the external test package.
var MarkNewer = markNewerForTest

// The twins below are shortcuts for the tests: the product goes through
// SetRoleBy, RemoveMemberBy and ApplyStatus, which audit and check.

// SetRole changes a member's role. It refuses, with ErrLastOwner, to demote
// the project's last owner.
func (db *DB) SetRole(ctx context.Context, projectID, userID int64, role string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if role != phonegate.RoleOwner {
			if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE memberships SET role = ? WHERE project_id = ? AND user_id = ?`,
			role, projectID, userID)
		if err != nil {
			return fmt.Errorf("store: set role: %w", err)
		}
		return mustAffect(res, "membership")
	})
}

// RemoveMember removes userID from projectID. It refuses, with
// ErrLastOwner, to remove the project's last owner.
func (db *DB) RemoveMember(ctx context.Context, projectID, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE project_id = ? AND user_id = ?`, projectID, userID)
		if err != nil {
			return fmt.Errorf("store: remove member: %w", err)
		}
		if err := mustAffect(res, "membership"); err != nil {
			return err
		}
		return dropUnclaimedAccount(ctx, tx, userID)
	})
}

// UpdateDeliveryStatus is ApplyStatus without an audit event.
func (db *DB) UpdateDeliveryStatus(ctx context.Context, id, status string, errorCode int, now time.Time) (bool, phonegate.Delivery, error) {
	return db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: id, Status: status, ErrorCode: errorCode, At: now})
}
