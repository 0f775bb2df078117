package sqlite

import (
	"context"
	"runtime"
	"sync"
	"testing"
)

// TestPageCacheSizes: each pool's connections get the page cache chosen
// for them (memory.go), the writer SQLite's default.
func TestPageCacheSizes(t *testing.T) {
	db := openBatchTest(t)
	check := func(name string, got int, err error, want int) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s: cache_size = %d, %v; want %d", name, got, err, want)
		}
	}
	var n int
	err := db.read.QueryRow(`PRAGMA cache_size`).Scan(&n)
	check("reader", n, err, -readerCacheKiB)
	err = db.ckpt.conn.QueryRow(`PRAGMA cache_size`).Scan(&n)
	check("checkpointer", n, err, -checkpointCacheKiB)
	// The data-version pool's one connection is the authz cache's for good.
	db.authzSeen.asking.Lock()
	err = db.authzSeen.conn.QueryRowContext(context.Background(), `PRAGMA cache_size`).Scan(&n)
	db.authzSeen.asking.Unlock()
	check("data version", n, err, -versionCacheKiB)
	err = db.write.QueryRow(`PRAGMA cache_size`).Scan(&n)
	check("writer", n, err, -2000) // SQLite's default, 2,000 KiB
}

// TestOneMallocArena: SQLite's allocations from many threads at once stay
// in one glibc arena (malloc_linux.go), so that no thread's arena keeps
// freed page-cache memory the others cannot reuse.
func TestOneMallocArena(t *testing.T) {
	if mallocArenas() < 0 {
		t.Skip("this C library does not report its malloc arenas")
	}
	db := openBatchTest(t)
	ctx := context.Background()
	for i := range 300 {
		if err := db.batched(ctx, insertKV(string(rune('a'+i%26))+string(rune(i)), i)); err != nil {
			t.Fatal(err)
		}
	}
	// Readers on threads of their own, all at once: without the setting,
	// glibc gives contending threads new arenas.
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 16 {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			<-start
			for range 200 {
				var n int
				if err := db.read.QueryRow(`SELECT count(*) FROM kv WHERE v >= 0`).Scan(&n); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if n := mallocArenas(); n != 1 {
		t.Errorf("glibc has %d malloc arenas, want 1", n)
	}
}
