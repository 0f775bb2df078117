package phonegate

import (
	"context"
	"errors"
	"sync"
)

// ErrHasherBusy is returned, at once, when more hashes wait than the
// Hasher's queue holds: the server is flooded and the request should be
// answered "try again in a moment" rather than made to wait behind it.
var ErrHasherBusy = errors.New("too many password checks are waiting")

// Priority says whose work a hash is. Authenticated work (a logged-in
// user re-entering their password, a browser that proved with a device
// cookie it logged in as that user before) is served before any anonymous
// work, and has a queue of its own, so that a flood of anonymous logins
// can neither starve it nor fill its queue.
type Priority int

const (
	// Anonymous is the default: logins from browsers not known to the
	// account, setup, invites, the dummy hash of an unknown email.
	Anonymous Priority = iota
	// Authenticated work comes from someone already known to the account.
	Authenticated
)

type priorityKey struct{}

// WithPriority returns a context whose hashes run with priority p.
func WithPriority(ctx context.Context, p Priority) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

func priorityOf(ctx context.Context) Priority {
	p, _ := ctx.Value(priorityKey{}).(Priority)
	return p
}

// Queue lengths per slot: how many hashes of each priority may wait for
// a slot, per slot. At about 30 ms a hash, 4 anonymous waiters per slot
// are at most some 150 ms of waiting; past that a login is refused at
// once with ErrHasherBusy.
const (
	anonQueuePerSlot = 4
	authQueuePerSlot = 32
)

// hashQueue hands out the hasher's slots: to the oldest authenticated
// waiter first, then to the oldest anonymous one; a waiter beyond its
// priority's queue length is refused at once.
type hashQueue struct {
	mu      sync.Mutex
	free    int
	limit   [2]int             // queue length per priority
	waiting [2][]chan struct{} // per priority, oldest first
}

func newHashQueue(slots int) *hashQueue {
	return &hashQueue{free: slots, limit: [2]int{Anonymous: anonQueuePerSlot * slots, Authenticated: authQueuePerSlot * slots}}
}

// enter takes a slot if one is free and nobody of the same or a higher
// priority waits (nil: the slot is the caller's), or queues the caller
// (a channel that is closed when the slot is handed over), or refuses.
func (q *hashQueue) enter(p Priority) (chan struct{}, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	ahead := len(q.waiting[Authenticated])
	if p == Anonymous {
		ahead += len(q.waiting[Anonymous])
	}
	if q.free > 0 && ahead == 0 {
		q.free--
		return nil, nil
	}
	if len(q.waiting[p]) >= q.limit[p] {
		return nil, ErrHasherBusy
	}
	ch := make(chan struct{})
	q.waiting[p] = append(q.waiting[p], ch)
	return ch, nil
}

// wait waits for the slot enter queued ch for, or gives up when ctx ends.
func (q *hashQueue) wait(ctx context.Context, p Priority, ch chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	for i, c := range q.waiting[p] {
		if c == ch {
			q.waiting[p] = append(q.waiting[p][:i:i], q.waiting[p][i+1:]...)
			q.mu.Unlock()
			return ctx.Err()
		}
	}
	q.mu.Unlock()
	// The slot was handed over as ctx ended: pass it on.
	q.release()
	return ctx.Err()
}

// admits reports whether work of priority p would now run or queue
// rather than be refused.
func (q *hashQueue) admits(p Priority) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.free > 0 || len(q.waiting[p]) < q.limit[p]
}

// acquire takes a slot for work of priority p.
func (q *hashQueue) acquire(ctx context.Context, p Priority) error {
	ch, err := q.enter(p)
	if err != nil || ch == nil {
		return err
	}
	return q.wait(ctx, p, ch)
}

// release gives a slot back: to the oldest waiter of the highest
// priority, or to the free pool.
func (q *hashQueue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, p := range []Priority{Authenticated, Anonymous} {
		if w := q.waiting[p]; len(w) > 0 {
			q.waiting[p] = w[1:]
			close(w[0])
			return
		}
	}
	q.free++
}
