package store

import (
	"context"
	"testing"
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
