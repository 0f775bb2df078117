package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/phonegate/phonegate"
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
	conn  *sql.DB // the write pool (one connection)
	queue chan *batchWrite
	quit  chan struct{} // closed by stop
	done  chan struct{} // closed when the goroutine has ended
	once  sync.Once
}

// batchWrite is one queued write.
type batchWrite struct {
	ctx context.Context // the caller's; a write whose caller has gone is not applied
	fn  func(ctx context.Context, tx *sql.Tx) error
	err chan error // buffered: the batcher never waits for the caller
}

// maxBatch bounds a transaction, so that one batch never holds the write
// connection long when thousands of writes are queued.
const maxBatch = 256

func startBatcher(conn *sql.DB) *batcher {
	b := &batcher{conn: conn, queue: make(chan *batchWrite, maxBatch), quit: make(chan struct{}), done: make(chan struct{})}
	go b.run()
	return b
}

// stop applies the writes still queued and waits until the batcher has
// ended; a write queued after that gets ErrClosed.
func (b *batcher) stop() {
	b.once.Do(func() { close(b.quit) })
	<-b.done
}

// batched applies fn in a write transaction shared with the other writes
// queued meanwhile, and returns once that transaction has committed. fn
// must be safe to run again: when a batch fails, its writes are retried
// one transaction each, so that a failing write fails only itself. fn gets
// a context of the batch's own: cancelling a statement would roll back the
// whole shared transaction, so a caller's context only decides whether its
// write is applied at all, and how long the caller waits.
func (db *DB) batched(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	b := db.batch
	w := &batchWrite{ctx: ctx, fn: fn, err: make(chan error, 1)}
	select {
	case b.queue <- w:
	case <-b.quit:
		return phonegate.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-w.err:
		return err
	case <-b.done:
		// Stopped with the write still queued, or just answered.
		select {
		case err := <-w.err:
			return err
		default:
			return phonegate.ErrClosed
		}
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *batcher) run() {
	defer close(b.done)
	batch := make([]*batchWrite, 0, maxBatch)
	for {
		select {
		case <-b.quit:
			// Flush what was queued before Close.
			for b.next(batch[:0]) {
			}
			return
		case w := <-b.queue:
			b.next(append(batch[:0], w))
		}
	}
}

// next fills batch with what is queued, up to maxBatch, and applies it. It
// reports whether there was anything to apply.
func (b *batcher) next(batch []*batchWrite) bool {
fill:
	for len(batch) < maxBatch {
		select {
		case w := <-b.queue:
			batch = append(batch, w)
		default:
			break fill
		}
	}
	if len(batch) == 0 {
		return false
	}
	b.apply(batch)
	clear(batch) // let the answered writes go
	return true
}

// apply commits a batch, answering each write. If the batch fails, each
// write is tried again in a transaction of its own.
func (b *batcher) apply(batch []*batchWrite) {
	live := batch[:0]
	for _, w := range batch {
		if err := w.ctx.Err(); err != nil {
			w.err <- err
			continue
		}
		live = append(live, w)
	}
	if len(live) == 0 {
		return
	}
	err := b.commit(live)
	if err == nil || len(live) == 1 {
		for _, w := range live {
			w.err <- err
		}
		return
	}
	for _, w := range live {
		w.err <- b.commit([]*batchWrite{w})
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
		if err := w.fn(ctx, tx); err != nil {
			return err
		}
	}
	return tx.Commit()
}
