package sqlite

import (
	"context"
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

// UpdateDeliveryStatus is ApplyStatus without an audit event.
func (db *DB) UpdateDeliveryStatus(ctx context.Context, id, status string, errorCode int, now time.Time) (bool, phonegate.Delivery, error) {
	return db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: id, Status: status, ErrorCode: errorCode, At: now})
}
