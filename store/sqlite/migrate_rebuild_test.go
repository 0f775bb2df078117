package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/store/sqlite"
)

// verificationsMigration rebuilds the challenges table so that a
// challenge may be a verification of the Verify API.
const verificationsMigration = 15

// oldDatabase builds at path a database as a phonegate from before
// migration below left it: the migrations older than below applied by
// hand and recorded.
func oldDatabase(t *testing.T, path string, below int) *sql.DB {
	t.Helper()
	old, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migrations/*.sql")
	sort.Strings(files)
	for _, f := range files {
		name := filepath.Base(f)
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("migration %s: %v", name, err)
		}
		if v >= below {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := old.Exec(string(b)); err != nil {
			t.Fatalf("migration %s: %v", name, err)
		}
		if _, err := old.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, v, name); err != nil {
			t.Fatal(err)
		}
	}
	return old
}

// openMigrated opens the database at path with this build, closed at the
// end of the test, and checks that it migrated to at least version want.
func openMigrated(t *testing.T, path string, want int) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if v, _ := db.SchemaVersion(context.Background()); v < want {
		t.Fatalf("schema version %d after opening, want at least %d", v, want)
	}
	return db
}

// TestMigrationKeepsChallengesAndDeliveries opens with this build a
// database from before verifications, with a login's challenge, its
// delivery and the delivery's status: the rebuild of the challenges table
// must keep all three, and their references.
func TestMigrationKeepsChallengesAndDeliveries(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old := oldDatabase(t, path, verificationsMigration)
	for _, q := range []string{
		`INSERT INTO users (id, email, password_hash, created_at) VALUES (1, 'ada@example.com', 'h', 1)`,
		`INSERT INTO challenges (id, user_id, session_hash, purpose, phone, code_mac, code_sealed, sends, created_at, expires_at)
			VALUES ('ch1', 1, x'01', 'login', '+14155552671', x'02', x'03', 1, 1, 601)`,
		`INSERT INTO deliveries (id, challenge_id, channel, to_number, sid, status, created_at, updated_at)
			VALUES ('d1', 'ch1', 'sms', '+14155552671', 'SM1', 'delivered', 1, 2)`,
		`INSERT INTO delivery_events (delivery_id, status, at) VALUES ('d1', 'delivered', 2)`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	db := openMigrated(t, path, verificationsMigration)
	c, err := db.Challenge(ctx, "ch1")
	if err != nil || c.UserID != 1 || c.Purpose != "login" || c.Sends != 1 || c.ServiceSID != "" {
		t.Errorf("challenge after the migration = %+v, %v", c, err)
	}
	ds, err := db.Deliveries(ctx, "ch1")
	if err != nil || len(ds) != 1 || ds[0].SID != "SM1" || ds[0].Status != "delivered" {
		t.Errorf("deliveries after the migration = %+v, %v; want the one delivered SMS", ds, err)
	}
	es, err := db.DeliveryEvents(ctx, "d1")
	if err != nil || len(es) != 1 {
		t.Errorf("delivery events after the migration = %+v, %v; want one", es, err)
	}
	if got, err := db.IntegrityCheck(ctx); err != nil || got != "ok" {
		t.Errorf("IntegrityCheck = %q, %v", got, err)
	}
}
