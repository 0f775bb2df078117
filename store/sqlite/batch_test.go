package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/phonegate/phonegate"
)

// openBatchTest opens a database with a table the batch tests write to.
func openBatchTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "batch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.write.Exec(`CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func insertKV(k string, v int) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kv (k, v) VALUES (?, ?)`, k, v)
		return err
	}
}

func kvCount(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.read.QueryRow(`SELECT COUNT(*) FROM kv`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// holdBatcher queues a write that blocks the batcher until release is
// called, so that what is queued meanwhile forms the next batch.
func holdBatcher(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, gate := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.batched(context.Background(), func(context.Context, *sql.Tx) error {
			close(started)
			<-gate
			return nil
		})
	}()
	<-started
	return func() {
		close(gate)
		if err := <-done; err != nil {
			t.Errorf("holding write: %v", err)
		}
	}
}

// queued waits until n writes are queued behind the held batch.
func queued(db *DB, n int) {
	for db.batch.q.Queued() < n {
		runtime.Gosched()
	}
}

// TestBatchFailureIsolated: a write that fails inside a batch fails alone;
// the others of its batch are committed.
func TestBatchFailureIsolated(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	if err := db.batched(ctx, insertKV("taken", 0)); err != nil {
		t.Fatal(err)
	}
	release := holdBatcher(t, db)
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		k := fmt.Sprint("k", i)
		if i == 7 {
			k = "taken" // a primary key violation
		}
		wg.Go(func() { errs[i] = db.batched(ctx, insertKV(k, i)) })
	}
	queued(db, n)
	release()
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 7) {
			t.Errorf("write %d: err = %v", i, err)
		}
	}
	if got := kvCount(t, db); got != n { // "taken" and the 19 others
		t.Errorf("rows = %d, want %d", got, n)
	}
}

// TestBatchPanicIsolated: a write that panics fails alone, with an error,
// and the batcher goes on.
func TestBatchPanicIsolated(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	release := holdBatcher(t, db)
	var wg sync.WaitGroup
	var panicErr, okErr error
	wg.Go(func() {
		panicErr = db.batched(ctx, func(context.Context, *sql.Tx) error { panic("boom") })
	})
	wg.Go(func() { okErr = db.batched(ctx, insertKV("fine", 1)) })
	queued(db, 2)
	release()
	wg.Wait()
	if panicErr == nil || okErr != nil {
		t.Fatalf("panicking write: %v; other write: %v", panicErr, okErr)
	}
	if err := db.batched(ctx, insertKV("after", 2)); err != nil {
		t.Fatalf("the batcher did not go on: %v", err)
	}
	if got := kvCount(t, db); got != 2 {
		t.Errorf("rows = %d, want 2", got)
	}
}

// TestBatchCommitsTogether: writes queued together are answered only after
// their shared transaction committed, and all are there.
func TestBatchCommitsTogether(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	release := holdBatcher(t, db)
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := db.batched(ctx, insertKV(fmt.Sprint("k", i), i)); err != nil {
				t.Error(err)
				return
			}
			// Answered: committed, so visible to a reader.
			var v int
			if err := db.read.QueryRow(`SELECT v FROM kv WHERE k = ?`, fmt.Sprint("k", i)).Scan(&v); err != nil || v != i {
				t.Errorf("k%d after the answer: %d, %v", i, v, err)
			}
		})
	}
	queued(db, n)
	release()
	wg.Wait()
	if got := kvCount(t, db); got != n {
		t.Errorf("rows = %d, want %d", got, n)
	}
}

// TestBatchCancelledBeforeApplied: a write whose caller gave up while it
// was queued is not applied.
func TestBatchCancelledBeforeApplied(t *testing.T) {
	db := openBatchTest(t)
	release := holdBatcher(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- db.batched(ctx, insertKV("gone", 1)) }()
	queued(db, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	release()
	// The batcher has moved past the cancelled write once a later one is in.
	if err := db.batched(context.Background(), insertKV("later", 2)); err != nil {
		t.Fatal(err)
	}
	var n int
	db.read.QueryRow(`SELECT COUNT(*) FROM kv WHERE k = 'gone'`).Scan(&n)
	if n != 0 {
		t.Error("a cancelled write was applied")
	}
}

// TestBatchClose: writes queued when the database closes are applied
// before Close returns, none hangs, and a write after Close gets ErrClosed.
func TestBatchClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "batch.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	release := holdBatcher(t, db)
	const n = 10
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- db.batched(context.Background(), insertKV(fmt.Sprint("k", i), i)) }()
	}
	queued(db, n)
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	for !db.batch.q.Stopping() {
		runtime.Gosched()
	}
	release()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("write queued before Close: %v", err)
		}
	}
	if err := db.batched(context.Background(), insertKV("after", 0)); !errors.Is(err, phonegate.ErrClosed) {
		t.Errorf("write after Close: err = %v, want ErrClosed", err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	db, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := kvCount(t, db); got != n {
		t.Errorf("rows after reopening = %d, want %d", got, n)
	}
}
