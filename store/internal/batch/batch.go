// Package batch is the queue of a store's group commit: writes that many
// callers queue are taken by one goroutine, as many as are waiting up to a
// bound, and handed to the store to apply together, in one transaction;
// each caller returns when its write has been answered. store/sqlite and
// store/postgres each apply a batch in their own way.
package batch

import (
	"context"
	"sync"

	"github.com/phonegate/phonegate"
)

// Write is one queued write: Op is what the store applies.
type Write[T any] struct {
	Ctx context.Context // the caller's; a write whose caller has gone is not applied
	Op  T
	err chan error // buffered: the queue never waits for the caller
}

// Answer tells the write's caller how it went; a store answers each write
// it is handed once.
func (w *Write[T]) Answer(err error) { w.err <- err }

// Queue takes the writes and hands them to apply in batches.
type Queue[T any] struct {
	max   int
	apply func(live []*Write[T])
	queue chan *Write[T]
	quit  chan struct{} // closed by Stop
	done  chan struct{} // closed when the goroutine has ended
	once  sync.Once
}

// Start starts a queue that hands apply at most max writes at a time,
// only those whose caller still waits (the others are answered with their
// context's error).
func Start[T any](max int, apply func(live []*Write[T])) *Queue[T] {
	q := &Queue[T]{max: max, apply: apply, queue: make(chan *Write[T], max),
		quit: make(chan struct{}), done: make(chan struct{})}
	go q.run()
	return q
}

// Stop applies the writes still queued and waits until the queue has
// ended; a write queued after that gets phonegate.ErrClosed.
func (q *Queue[T]) Stop() {
	q.once.Do(func() { close(q.quit) })
	<-q.done
}

// Do queues op and returns how it went, once the batch holding it has
// been applied. The caller's context decides whether op is applied at all
// and how long the caller waits; it does not reach op.
func (q *Queue[T]) Do(ctx context.Context, op T) error {
	w := &Write[T]{Ctx: ctx, Op: op, err: make(chan error, 1)}
	select {
	case q.queue <- w:
	case <-q.quit:
		return phonegate.ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-w.err:
		return err
	case <-q.done:
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

// Queued is the number of writes waiting to be taken, for tests.
func (q *Queue[T]) Queued() int { return len(q.queue) }

// Stopping reports whether Stop has been called, for tests.
func (q *Queue[T]) Stopping() bool {
	select {
	case <-q.quit:
		return true
	default:
		return false
	}
}

func (q *Queue[T]) run() {
	defer close(q.done)
	batch := make([]*Write[T], 0, q.max)
	for {
		select {
		case <-q.quit:
			// Apply what was queued before Stop.
			for q.next(batch[:0]) {
			}
			return
		case w := <-q.queue:
			q.next(append(batch[:0], w))
		}
	}
}

// next fills batch with what is queued, up to the bound, and applies it.
// It reports whether there was anything to apply.
func (q *Queue[T]) next(batch []*Write[T]) bool {
fill:
	for len(batch) < q.max {
		select {
		case w := <-q.queue:
			batch = append(batch, w)
		default:
			break fill
		}
	}
	if len(batch) == 0 {
		return false
	}
	live := batch[:0]
	for _, w := range batch {
		if err := w.Ctx.Err(); err != nil {
			w.Answer(err)
			continue
		}
		live = append(live, w)
	}
	if len(live) > 0 {
		q.apply(live)
	}
	clear(batch) // let the answered writes go
	return true
}
