package sqlite_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// consentMigration is the first migration that knows memberships may wait
// for the user's consent.
const consentMigration = 4

// TestMigrationKeepsMembershipsAccepted builds a database as a phonegate
// from before consent left it, with the migrations older than consent
// applied by hand and a few memberships, then opens it with this build:
// every membership that existed must still grant its project.
func TestMigrationKeepsMembershipsAccepted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old := oldDatabase(t, path, consentMigration)
	for _, q := range []string{
		`INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'ada@example.com', 'h', 1), (2, 'bob@example.com', 'h', 1)`,
		`INSERT INTO projects (id, name, created_at) VALUES (1, 'Engine', 1), (2, 'Wheels', 1)`,
		`INSERT INTO memberships (project_id, user_id, role, created_at) VALUES
			(1, 1, 'owner', 1), (2, 2, 'owner', 1), (1, 2, 'developer', 0)`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	db := openMigrated(t, path, consentMigration)
	tests := []struct {
		userID int64
		want   []int64
	}{
		{1, []int64{1}},
		{2, []int64{1, 2}},
	}
	for _, tt := range tests {
		t.Run("user "+strconv.FormatInt(tt.userID, 10), func(t *testing.T) {
			ms, err := db.Memberships(ctx, tt.userID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, projectIDs(ms)); diff != "" {
				t.Errorf("Memberships (-want +got):\n%s", diff)
			}
			if inv, _ := db.Invitations(ctx, tt.userID); len(inv) != 0 {
				t.Errorf("Invitations = %+v, want none", inv)
			}
		})
	}
	// The owners counted before still count: the last one cannot leave.
	if err := db.RemoveMemberBy(ctx, 2, 2, 2, t0); err == nil {
		t.Error("the only owner of Wheels was removed after the migration")
	}
}

// projectIDs lists the projects of ms.
func projectIDs(ms []phonegate.Membership) []int64 {
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.Project.ID)
	}
	return ids
}
