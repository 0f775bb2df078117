package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// authzFile is a database file with a protected site of ada's project and
// a live session of hers, and the query of a check with it.
func authzFile(t testing.TB) (string, *sqlite.DB, phonegate.AuthzQuery, phonegate.Project) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "phonegate.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now()
	u, err := db.CreateUser(ctx, "ada@example.com", "h", now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreateProject(ctx, u.ID, "Apollo", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AddSite(ctx, "app.example.com", p.ID, u.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, phonegate.Session{TokenHash: []byte("ada"), UserID: u.ID, CreatedAt: now, LastSeenAt: now, CSRFToken: "c"}); err != nil {
		t.Fatal(err)
	}
	q := phonegate.AuthzQuery{Host: "app.example.com", SessionHash: []byte("ada"),
		IdleSince: now.Add(-time.Minute), CreatedSince: now.Add(-time.Minute)}
	return path, db, q, p
}

// TestAuthzFactsSeeAnotherProcess: a write on the same file through other
// connections, as a "phonegate site remove" command makes it, is seen by
// the server's next check, though the check before it was answered from
// what the server kept.
func TestAuthzFactsSeeAnotherProcess(t *testing.T) {
	ctx := context.Background()
	path, db, q, p := authzFile(t)
	for i := 0; i < 2; i++ { // the second answer is a kept one
		if f, err := db.AuthzFacts(ctx, q); err != nil || !f.Live {
			t.Fatalf("check %d: live %v, %v", i, f.Live, err)
		}
	}
	other, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.DeleteSession(ctx, []byte("ada")); err != nil {
		t.Fatal(err)
	}
	if f, err := db.AuthzFacts(ctx, q); err != nil || f.Live {
		t.Fatalf("after another process's logout: live %v, %v", f.Live, err)
	}
	if err := other.RemoveSite(ctx, "app.example.com", p.ID, 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AuthzFacts(ctx, q); !errors.Is(err, phonegate.ErrNotFound) {
		t.Fatalf("after another process removed the site: %v, want ErrNotFound", err)
	}
}

// TestAuthzFactsLogoutUnderLoad: checks run while a logout commits; every
// check that starts after the logout has returned sees it.
func TestAuthzFactsLogoutUnderLoad(t *testing.T) {
	ctx := context.Background()
	_, db, q, _ := authzFile(t)
	var out atomic.Bool
	var stale, checks atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				after := out.Load()
				f, err := db.AuthzFacts(ctx, q)
				if err != nil {
					t.Error(err)
					return
				}
				if after && f.Live {
					stale.Add(1)
				}
				checks.Add(1)
			}
		}()
	}
	waitChecks := func(n int64) {
		for checks.Load() < n {
			runtime.Gosched()
		}
	}
	waitChecks(200) // the answer is kept and given again
	if err := db.DeleteSession(ctx, []byte("ada")); err != nil {
		t.Fatal(err)
	}
	out.Store(true)
	waitChecks(checks.Load() + 200)
	close(stop)
	wg.Wait()
	if n := stale.Load(); n > 0 {
		t.Errorf("%d checks after the logout saw the session live", n)
	}
}

// BenchmarkAuthzFacts is a forward-auth check's read when nothing has
// committed since the last one: a page's assets, asked about at once.
func BenchmarkAuthzFacts(b *testing.B) {
	_, db, q, _ := authzFile(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.AuthzFacts(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthzFactsParallel is BenchmarkAuthzFacts from 16 goroutines per core
// at once.
func BenchmarkAuthzFactsParallel(b *testing.B) {
	_, db, q, _ := authzFile(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.AuthzFacts(ctx, q); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkAuthzFactsAfterCommit is the read when something has committed
// since every check (a webhook's write, say): the whole statement, and
// the data version asked first.
func BenchmarkAuthzFactsAfterCommit(b *testing.B) {
	_, db, q, _ := authzFile(b)
	ctx := context.Background()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		n++ // a write of the value already there changes nothing, and commits nothing
		if err := db.SetSetting(ctx, "bench", strconv.Itoa(n)); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := db.AuthzFacts(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
