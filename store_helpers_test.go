package phonegate_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// openStore opens a fresh SQLite store in t.TempDir(), closed at the end of
// the test, and keys made of the byte fill.
func openStore(t *testing.T, fill byte) (*sqlite.DB, *phonegate.Keys) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{fill}, phonegate.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return db, keys
}
