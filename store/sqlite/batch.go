package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/phonegate/phonegate/store/internal/batch"
)

// batcher is the group commit of the store's frequent small writes, status
// callbacks above all. One goroutine takes every write queued at the time
// and applies them in a single transaction on the write connection: one
// BEGIN and one COMMIT (the WAL append, the locks) for all of them, where
// each write alone would pay for its own, and the connection is handed over
// once per batch rather than once per write. Each caller returns when the
// transaction holding its write has committed, so a caller that answers
// "stored" after batched returns never answers it for a write that a
// crash could still lose.
type batcher struct {
	conn *sql.DB // the write pool (one connection)
	q    *batch.Queue[writeFn]
}

// writeFn is one queued write.
type writeFn = func(ctx context.Context, tx *sql.Tx) error

// batchWrite is one queued write as the queue hands it over.
type batchWrite = batch.Write[writeFn]

// maxBatch bounds a transaction, so that one batch never holds the write
// connection long when thousands of writes are queued.
const maxBatch = 256

func startBatcher(conn *sql.DB) *batcher {
	b := &batcher{conn: conn}
	b.q = batch.Start(maxBatch, b.apply)
	return b
}

// stop applies the writes still queued and waits until the batcher has
// ended; a write queued after that gets ErrClosed.
func (b *batcher) stop() { b.q.Stop() }

// batched applies fn in a write transaction shared with the other writes
// queued meanwhile, and returns once that transaction has committed. fn
// must be safe to run again: when a batch fails, its writes are retried
// one transaction each, so that a failing write fails only itself. fn gets
// a context of the batch's own: cancelling a statement would roll back the
// whole shared transaction, so a caller's context only decides whether its
// write is applied at all, and how long the caller waits.
func (db *DB) batched(ctx context.Context, fn writeFn) error { return db.batch.q.Do(ctx, fn) }

// apply commits a batch, answering each write. If the batch fails, each
// write is tried again in a transaction of its own.
func (b *batcher) apply(live []*batchWrite) {
	err := b.commit(live)
	if err == nil || len(live) == 1 {
		for _, w := range live {
			w.Answer(err)
		}
		return
	}
	for _, w := range live {
		w.Answer(b.commit([]*batchWrite{w}))
	}
}

// commit runs ws in one transaction. A write that panics fails its batch
// (and then itself) like one that errs, rather than ending the batcher.
func (b *batcher) commit(ws []*batchWrite) (err error) {
	ctx := context.Background()
	tx, err := b.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("store: batched write panicked: %v", v)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	for _, w := range ws {
		if err := w.Op(ctx, tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}
