package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func open(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := db.SchemaVersion(ctx)
	if err != nil || v1 < 1 {
		t.Fatalf("schema version after first open = %d, %v", v1, err)
	}
	if _, err := db.CreateUser(ctx, "ada@example.com", "h", t0); err != nil {
		t.Fatal(err)
	}
	db.Close()

	// A second start applies nothing and keeps the data.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v2, _ := db.SchemaVersion(ctx); v2 != v1 {
		t.Errorf("schema version moved from %d to %d on a second start", v1, v2)
	}
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Errorf("users after restart = %d, want 1", n)
	}
	if ok, err := db.IntegrityCheck(ctx); ok != "ok" || err != nil {
		t.Errorf("integrity check = %q, %v", ok, err)
	}
	db.Close()

	// A database from a newer version is refused, clearly.
	sqlite.MarkNewer(t, path, v1+1)
	_, err = sqlite.Open(ctx, path)
	if !errors.Is(err, phonegate.ErrTooNew) {
		t.Fatalf("opening a newer database: err = %v, want ErrTooNew", err)
	}
}

func TestTakeEvent(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	for i := range 3 {
		if err := db.TakeEvent(ctx, "k", 3, t0.Add(-time.Hour), t0.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if err := db.TakeEvent(ctx, "k", 3, t0.Add(-time.Hour), t0.Add(time.Minute)); !errors.Is(err, phonegate.ErrLimited) {
		t.Errorf("fourth event: err = %v, want ErrLimited", err)
	}
	// An hour on, the window holds none of them.
	later := t0.Add(time.Hour + time.Minute)
	if err := db.TakeEvent(ctx, "k", 3, later.Add(-time.Hour), later); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestDatabaseFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "private.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("database mode = %v, want 0600", perm)
	}
}
