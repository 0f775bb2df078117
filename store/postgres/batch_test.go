package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/pgtest"
)

// openBatchTest opens a migrated database with a table the batch tests write to.
func openBatchTest(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.FromTemplate(t, "migrated", func(ctx context.Context, dsn string) error {
		db, err := Open(ctx, dsn, Options{MaxConns: 2})
		if err != nil {
			return err
		}
		return db.Close()
	})
	db, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.pool.Exec(ctx, `CREATE TABLE kv (k text PRIMARY KEY, v integer NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

func insertKV(k string, v int) func(context.Context, pgx.Tx) error {
	return func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO kv (k, v) VALUES ($1, $2)`, k, v)
		return err
	}
}

// queueKV is insertKV as a write's first statement, sent with the batch's others.
func queueKV(k string, v int) func(*pgx.Batch) {
	return func(b *pgx.Batch) { b.Queue(`INSERT INTO kv (k, v) VALUES ($1, $2)`, k, v) }
}

func kvCount(t *testing.T, db *DB, where string) int {
	t.Helper()
	var n int
	if err := db.pool.QueryRow(context.Background(), `SELECT count(*) FROM kv WHERE `+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// holdBatcher queues a write that blocks the batcher until release is called, so that what is
// queued meanwhile forms the next batch.
func holdBatcher(t *testing.T, db *DB) (release func()) {
	t.Helper()
	started, gate := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.batched(context.Background(), "", nil, func(context.Context, pgx.Tx) error {
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

// TestBatchFailureIsolated: a write that fails inside a batch (which aborts PostgreSQL's
// transaction) fails alone, whether its statement was sent with the others or after them; the
// others of its batch are committed, each once.
func TestBatchFailureIsolated(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	if err := db.batched(ctx, "taken", nil, insertKV("taken", 0)); err != nil {
		t.Fatal(err)
	}
	release := holdBatcher(t, db)
	keys := []string{"a", "taken", "b", "c", "taken"}
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		if i%2 == 0 {
			wg.Go(func() { errs[i] = db.batched(ctx, k, queueKV(k, i), nil) })
		} else {
			wg.Go(func() { errs[i] = db.batched(ctx, k, nil, insertKV(k, i)) })
		}
	}
	queued(db, len(keys))
	before := db.BatchFigures()
	release()
	wg.Wait()
	for i, k := range keys {
		if got, want := errs[i] != nil, k == "taken"; got != want {
			t.Errorf("write %q: err = %v, want failure %v", k, errs[i], want)
		}
	}
	if got := kvCount(t, db, `k IN ('a', 'b', 'c')`); got != 3 {
		t.Errorf("rows of the good writes = %d, want 3", got)
	}
	if got := db.BatchFigures().Alone - before.Alone; got != int64(len(keys)) {
		t.Errorf("writes run again alone = %d, want %d (the failed batch's)", got, len(keys))
	}
}

// TestBatchPanicIsolated: a write that panics fails alone, with an error, and the batcher goes on.
func TestBatchPanicIsolated(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	release := holdBatcher(t, db)
	var panicErr, okErr error
	var wg sync.WaitGroup
	wg.Go(func() { panicErr = db.batched(ctx, "p", nil, func(context.Context, pgx.Tx) error { panic("boom") }) })
	wg.Go(func() { okErr = db.batched(ctx, "fine", nil, insertKV("fine", 1)) })
	queued(db, 2)
	release()
	wg.Wait()
	if panicErr == nil || okErr != nil {
		t.Errorf("panicking write: %v; good write: %v; want an error and nil", panicErr, okErr)
	}
	if err := db.batched(ctx, "after", nil, insertKV("after", 2)); err != nil {
		t.Fatalf("the batcher did not go on: %v", err)
	}
	if got := kvCount(t, db, `true`); got != 2 {
		t.Errorf("rows = %d, want 2", got)
	}
}

// TestBatchCommitsTogether: writes queued together share one transaction, bounded by
// maxBatch, and each is answered only once its transaction has committed.
func TestBatchCommitsTogether(t *testing.T) {
	db := openBatchTest(t)
	ctx := context.Background()
	release := holdBatcher(t, db)
	const n = 2*maxBatch + 10 // more than the queue holds: the rest wait to be queued
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k := fmt.Sprint("k", i)
			if err := db.batched(ctx, k, nil, insertKV(k, i)); err != nil {
				t.Error(err)
				return
			}
			// Answered: committed, so visible to another connection.
			var v int
			if err := db.pool.QueryRow(ctx, `SELECT v FROM kv WHERE k = $1`, k).Scan(&v); err != nil || v != i {
				t.Errorf("%s after the answer: %d, %v", k, v, err)
			}
		})
	}
	queued(db, maxBatch)
	before := db.BatchFigures()
	release()
	wg.Wait()
	if got := kvCount(t, db, `true`); got != n {
		t.Errorf("rows = %d, want %d", got, n)
	}
	f := db.BatchFigures()
	commits, writes := f.Commits-before.Commits, f.Writes-before.Writes
	// The held write's transaction commits after before was read.
	if writes != n+1 || commits > writes/2 || commits*maxBatch < writes {
		t.Errorf("%d writes in %d transactions; want %d writes, at most %d a transaction, sharing", writes, commits, n+1, maxBatch)
	}
}

// TestBatchCancelledBeforeApplied: a write whose caller gave up while it was queued is not applied.
func TestBatchCancelledBeforeApplied(t *testing.T) {
	db := openBatchTest(t)
	release := holdBatcher(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- db.batched(ctx, "gone", nil, insertKV("gone", 1)) }()
	queued(db, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	release()
	// The batcher has moved past the cancelled write once a later one is in.
	if err := db.batched(context.Background(), "later", nil, insertKV("later", 2)); err != nil {
		t.Fatal(err)
	}
	if kvCount(t, db, `k = 'gone'`) != 0 {
		t.Error("a cancelled write was applied")
	}
}

// TestBatchClose: writes queued when the store closes are applied before Close returns, and a
// write after Close gets ErrClosed.
func TestBatchClose(t *testing.T) {
	db := openBatchTest(t)
	release := holdBatcher(t, db)
	const n = 10
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- db.batched(context.Background(), fmt.Sprint("k", i), nil, insertKV(fmt.Sprint("k", i), i))
		}()
	}
	queued(db, n)
	closed := make(chan struct{})
	go func() {
		db.batch.stop()
		close(closed)
	}()
	release()
	<-closed
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("queued write: %v", err)
		}
	}
	if got := kvCount(t, db, `true`); got != n {
		t.Errorf("rows = %d, want %d", got, n)
	}
	if err := db.batched(context.Background(), "late", nil, insertKV("late", 0)); !errors.Is(err, phonegate.ErrClosed) {
		t.Errorf("write after close: %v, want ErrClosed", err)
	}
}
