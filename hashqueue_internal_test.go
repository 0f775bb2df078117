package phonegate

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// TestHashQueueBound: with every slot taken, anonymous work queues up to
// its limit and is then refused at once; authenticated work still queues.
func TestHashQueueBound(t *testing.T) {
	q := newHashQueue(2)
	for i := range 2 {
		if ch, err := q.enter(Anonymous); ch != nil || err != nil {
			t.Fatalf("enter %d with a free slot = (%v, %v), want the slot at once", i, ch, err)
		}
	}
	for i := range 2 * anonQueuePerSlot {
		if ch, err := q.enter(Anonymous); ch == nil || err != nil {
			t.Fatalf("anonymous waiter %d = (%v, %v), want queued", i, ch, err)
		}
	}
	if _, err := q.enter(Anonymous); !errors.Is(err, ErrHasherBusy) {
		t.Errorf("anonymous past the queue: got %v, want ErrHasherBusy", err)
	}
	if ch, err := q.enter(Authenticated); ch == nil || err != nil {
		t.Errorf("authenticated with the anonymous queue full = (%v, %v), want queued", ch, err)
	}
	for range 2*authQueuePerSlot - 1 {
		q.enter(Authenticated)
	}
	if _, err := q.enter(Authenticated); !errors.Is(err, ErrHasherBusy) {
		t.Errorf("authenticated past its own queue: got %v, want ErrHasherBusy", err)
	}
}

// TestHashQueuePriority: a released slot goes to the oldest authenticated
// waiter even when anonymous ones queued before it, then to anonymous
// ones in their order.
func TestHashQueuePriority(t *testing.T) {
	q := newHashQueue(1)
	if ch, _ := q.enter(Anonymous); ch != nil {
		t.Fatal("the first enter did not get the free slot")
	}
	anon1, _ := q.enter(Anonymous)
	anon2, _ := q.enter(Anonymous)
	auth, _ := q.enter(Authenticated)
	order := []struct {
		name string
		p    Priority
		ch   chan struct{}
	}{{"authenticated", Authenticated, auth}, {"first anonymous", Anonymous, anon1}, {"second anonymous", Anonymous, anon2}}
	holder := Anonymous
	for i, want := range order {
		q.release(holder)
		for j, w := range order {
			_, closed := recvNow(w.ch)
			if got, wantClosed := closed, j <= i; got != wantClosed {
				t.Errorf("after release %d: %s has the slot = %v, want %v (%s next)", i+1, w.name, got, wantClosed, want.name)
			}
		}
		holder = want.p
	}
	q.release(holder)
	if q.free != 1 || q.running != [2]int{} {
		t.Errorf("after everyone released: free %d, running %v; want 1 and none", q.free, q.running)
	}
}

// TestHashQueueReserve: while the anonymous queue is full, anonymous work
// holds at most all slots but one, so that authenticated work gets a slot
// at once; once the queue is short again, the slot goes back to anonymous
// work.
func TestHashQueueReserve(t *testing.T) {
	q := newHashQueue(2)
	q.enter(Anonymous)
	q.enter(Anonymous) // both slots: the queue was empty
	var waiters []chan struct{}
	for range 2 * anonQueuePerSlot {
		ch, _ := q.enter(Anonymous)
		waiters = append(waiters, ch)
	}
	q.release(Anonymous)
	if _, handed := recvNow(waiters[0]); handed || q.free != 1 {
		t.Fatalf("release under a full anonymous queue: handed to anonymous %v, free %d; want kept free", handed, q.free)
	}
	if ch, err := q.enter(Authenticated); ch != nil || err != nil {
		t.Fatalf("authenticated under a flood = (%v, %v), want the kept slot at once", ch, err)
	}
	q.release(Authenticated)
	// The flood ebbs: the newest waiter gives up, and the queue is no
	// longer full.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q.wait(ctx, Anonymous, waiters[len(waiters)-1])
	if _, handed := recvNow(waiters[0]); !handed {
		t.Errorf("with the queue no longer full, the free slot stayed free (free %d, waiting %d)", q.free, len(q.waiting[Anonymous]))
	}
}

// TestHashQueueCancelledWaiter: a waiter whose request ends leaves the
// queue, and the slot it would have had goes to the next one.
func TestHashQueueCancelledWaiter(t *testing.T) {
	q := newHashQueue(1)
	q.enter(Anonymous)
	ch, _ := q.enter(Anonymous)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.wait(ctx, Anonymous, ch); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait with a cancelled context = %v, want context.Canceled", err)
	}
	if n := len(q.waiting[Anonymous]); n != 0 {
		t.Errorf("waiters after the cancel = %d, want 0", n)
	}
	q.release(Anonymous)
	if ch, err := q.enter(Authenticated); ch != nil || err != nil {
		t.Errorf("enter after the release = (%v, %v), want the free slot", ch, err)
	}
}

// TestHasherBusy: Verify and Hash answer ErrHasherBusy at once, without
// hashing, when the anonymous queue is full, and run for authenticated work.
func TestHasherBusy(t *testing.T) {
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	h.slots = newHashQueue(1)
	h.slots.enter(Anonymous) // the one slot is taken
	for range anonQueuePerSlot {
		h.slots.enter(Anonymous)
	}
	ctx := context.Background()
	if _, _, err := h.Verify(ctx, "secret", ""); !errors.Is(err, ErrHasherBusy) {
		t.Errorf("Verify: got %v, want ErrHasherBusy", err)
	}
	if _, err := h.Hash(ctx, "secret"); !errors.Is(err, ErrHasherBusy) {
		t.Errorf("Hash: got %v, want ErrHasherBusy", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(WithPriority(ctx, Authenticated), "secret")
		done <- err
	}()
	for h.slots.waiters(Authenticated) == 0 {
		runtime.Gosched()
	}
	h.slots.release(Anonymous) // the running hash ends: the authenticated one is next
	if err := <-done; err != nil {
		t.Errorf("authenticated Hash: %v", err)
	}
}

func recvNow(ch chan struct{}) (struct{}, bool) {
	select {
	case v := <-ch:
		return v, true
	default:
		return struct{}{}, false
	}
}

func (q *hashQueue) waiters(p Priority) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting[p])
}
