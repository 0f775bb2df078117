package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phonegate/phonegate/store/internal/batch"
)

// batcher is the group commit of an instance's status callbacks, as store/sqlite's: one
// goroutine takes every write queued at the time and applies them in one transaction on one
// connection, so that a burst pays for one BEGIN and one COMMIT (one WAL flush) where each
// write alone would pay for its own, and holds one connection of the pool rather than one per
// callback. The writes' first statements are sent together (a pgx.Batch: one round trip for
// all of them), then what each write needs after its first statement runs in turn. Each
// caller returns when the transaction holding its write has committed.
//
// Another instance runs a batcher of its own on the same rows. The writes of a batch run in
// the order of their keys (a delivery's ID), so that two batches that touch the same rows
// take their row locks in the same order and wait for each other rather than deadlock.
type batcher struct {
	pool    *pgxpool.Pool
	timeout time.Duration // bounds one transaction of the batcher, as the statement timeout does a statement
	q       *batch.Queue[write]

	commits atomic.Int64 // transactions committed
	writes  atomic.Int64 // writes committed
	alone   atomic.Int64 // writes run again alone after their batch failed
}

// write is one queued write.
type write struct {
	key   string                                     // the order of the batch's writes: the row it locks first
	queue func(b *pgx.Batch)                         // queues the write's first statements; may be nil
	then  func(ctx context.Context, tx pgx.Tx) error // runs once every write's first statements have; may be nil
}

// batchWrite is one queued write as the queue hands it over.
type batchWrite = batch.Write[write]

// maxBatch bounds a transaction, so that one batch never holds its row locks long when
// thousands of writes are queued.
const maxBatch = 128

func startBatcher(pool *pgxpool.Pool, timeout time.Duration) *batcher {
	b := &batcher{pool: pool, timeout: timeout}
	b.q = batch.Start(maxBatch, b.apply)
	return b
}

// stop applies the writes still queued and waits until the batcher has ended; a write queued
// after that gets ErrClosed.
func (b *batcher) stop() { b.q.Stop() }

// batched applies a write in a transaction shared with the other writes queued meanwhile, and
// returns once that transaction has committed: queue adds its first statements to the batch's
// pgx.Batch (their results come to the callbacks queue sets), and then runs after the
// results of every write's first statements are in. key orders the writes of a batch: the ID
// of the row the write locks. A write must be safe to run again and must set its results
// afresh in queue: when a batch fails, its writes are retried one transaction each, so that a
// failing write fails only itself. then gets a context of the batch's own: cancelling a
// statement would abort the whole shared transaction, so a caller's context only decides
// whether its write is applied at all, and how long the caller waits.
func (db *DB) batched(ctx context.Context, key string, queue func(b *pgx.Batch), then func(ctx context.Context, tx pgx.Tx) error) error {
	return db.batch.q.Do(ctx, write{key: key, queue: queue, then: then})
}

// apply commits a batch, answering each write. If the batch fails, each write whose caller
// still waits is tried again in a transaction of its own, run again as db.tx runs one when
// PostgreSQL aborts it as a deadlock or a serialization failure.
func (b *batcher) apply(live []*batchWrite) {
	slices.SortStableFunc(live, func(a, b *batchWrite) int { return strings.Compare(a.Op.key, b.Op.key) })
	err := b.commit(live)
	if err == nil {
		for _, w := range live {
			w.Answer(nil)
		}
		return
	}
	for _, w := range live {
		b.alone.Add(1)
		err := w.Ctx.Err()
		for try := 1; err == nil; try++ {
			err = b.commit([]*batchWrite{w})
			if !retryable(err) || try == maxTries {
				break
			}
		}
		w.Answer(err)
	}
}

// commit runs ws in one transaction. A write that panics fails its batch (and then itself)
// like one that errs, rather than ending the batcher.
func (b *batcher) commit(ws []*batchWrite) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	tx, err := b.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: batched write panicked: %v", v)
		}
		if err != nil {
			_ = tx.Rollback(ctx)
		}
	}()
	var first pgx.Batch
	for _, w := range ws {
		if w.Op.queue != nil {
			w.Op.queue(&first)
		}
	}
	if first.Len() > 0 {
		if err := tx.SendBatch(ctx, &first).Close(); err != nil {
			return err
		}
	}
	for _, w := range ws {
		if w.Op.then == nil {
			continue
		}
		if err := w.Op.then(ctx, tx); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	b.commits.Add(1)
	b.writes.Add(int64(len(ws)))
	return nil
}

// BatchFigures are what the batcher of status callbacks has committed since the store opened.
type BatchFigures struct {
	Commits int64 // transactions
	Writes  int64 // writes in them: Writes/Commits is the mean batch
	Alone   int64 // writes run again in a transaction of their own after their batch failed
}

// BatchFigures returns what the batcher has committed, for the tests and the benchmarks.
func (db *DB) BatchFigures() BatchFigures {
	return BatchFigures{Commits: db.batch.commits.Load(), Writes: db.batch.writes.Load(), Alone: db.batch.alone.Load()}
}
