package sqlite

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// TestConnectionSettings: every connection gets the WAL settings.
func TestConnectionSettings(t *testing.T) {
	db := openBatchTest(t)
	var n int
	if err := db.write.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&n); err != nil || n != walAutoCheckpoint {
		t.Errorf("write connection: wal_autocheckpoint = %d, %v; want %d", n, err, walAutoCheckpoint)
	}
	var limit int64
	if err := db.write.QueryRow(`PRAGMA journal_size_limit`).Scan(&limit); err != nil || limit != walSizeLimit {
		t.Errorf("write connection: journal_size_limit = %d, %v; want %d", limit, err, walSizeLimit)
	}
}

// TestCheckpointerCopiesTheWAL: committed writes reach the database file
// without the writer checkpointing (its threshold is far above what this
// test writes): the checkpointer copies them.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	db := openBatchTest(t)
	before := fileSize(t, db.path)
	ctx := context.Background()
	for i := range 200 {
		k := fmt.Sprintf("key %d %0200d", i, i)
		if err := db.batched(ctx, insertKV(k, i)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for fileSize(t, db.path) <= before {
		if time.Now().After(deadline) {
			t.Fatalf("database file still %d bytes: nothing was checkpointed", before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
