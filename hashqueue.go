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

// PriorityOf returns the priority that ctx's hashes run with.
func PriorityOf(ctx context.Context) Priority { return priorityOf(ctx) }

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
// priority's queue length is refused at once. While the anonymous queue is
// full (a flood: arrivals are being refused), anonymous work holds at most
// all slots but one, so that authenticated work finds a slot free rather
// than waiting for a running hash to end; short of that, anonymous work may
// use every slot, and ordinary bursts of logins keep both cores. (A
// threshold of half the queue cost the load tool's mixed scenario, 20
// logins a second beside the webhooks, 8 logins of 150 refused.)
type hashQueue struct {
	mu      sync.Mutex
	slots   int
	free    int
	running [2]int             // slots held, per priority
	limit   [2]int             // queue length per priority
	waiting [2][]chan struct{} // per priority, oldest first
}

func newHashQueue(slots int) *hashQueue {
	return &hashQueue{slots: slots, free: slots,
		limit: [2]int{Anonymous: anonQueuePerSlot * slots, Authenticated: authQueuePerSlot * slots}}
}

// anonCap is how many slots anonymous work may hold now.
func (q *hashQueue) anonCap() int {
	if len(q.waiting[Anonymous]) >= q.limit[Anonymous] {
		return max(1, q.slots-1)
	}
	return q.slots
}

// canRun reports whether work of priority p may take a free slot now,
// ahead of nobody who waits.
func (q *hashQueue) canRun(p Priority) bool {
	if q.free == 0 || len(q.waiting[Authenticated]) > 0 {
		return false
	}
	return p == Authenticated || (len(q.waiting[Anonymous]) == 0 && q.running[Anonymous] < q.anonCap())
}

// enter takes a slot if one may be taken now (nil: the slot is the
// caller's), or queues the caller (a channel that is closed when the slot
// is handed over), or refuses.
func (q *hashQueue) enter(p Priority) (chan struct{}, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.canRun(p) {
		q.free--
		q.running[p]++
		return nil, nil
	}
	if len(q.waiting[p]) >= q.limit[p] {
		return nil, ErrHasherBusy
	}
	ch := make(chan struct{})
	q.waiting[p] = append(q.waiting[p], ch)
	return ch, nil
}

// admits reports whether work of priority p would now run or queue
// rather than be refused.
func (q *hashQueue) admits(p Priority) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.canRun(p) || len(q.waiting[p]) < q.limit[p]
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
			q.dispatch() // the anonymous cap may have risen
			q.mu.Unlock()
			return ctx.Err()
		}
	}
	q.mu.Unlock()
	// The slot was handed over as ctx ended: pass it on.
	q.release(p)
	return ctx.Err()
}

// acquire takes a slot for work of priority p.
func (q *hashQueue) acquire(ctx context.Context, p Priority) error {
	ch, err := q.enter(p)
	if err != nil || ch == nil {
		return err
	}
	return q.wait(ctx, p, ch)
}

// release gives back a slot that work of priority p held.
func (q *hashQueue) release(p Priority) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.running[p]--
	q.free++
	q.dispatch()
}

// dispatch hands free slots to waiters: the oldest authenticated one
// first, then the oldest anonymous one within anonCap. q.mu is held.
func (q *hashQueue) dispatch() {
	for q.free > 0 {
		p := Authenticated
		switch {
		case len(q.waiting[Authenticated]) > 0:
		case len(q.waiting[Anonymous]) > 0 && q.running[Anonymous] < q.anonCap():
			p = Anonymous
		default:
			return
		}
		ch := q.waiting[p][0]
		q.waiting[p] = q.waiting[p][1:]
		q.free--
		q.running[p]++
		close(ch)
	}
}
