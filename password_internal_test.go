package phonegate

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHashSlots(t *testing.T) {
	for procs, want := range map[int]int{0: 1, 1: 1, 2: 2, 16: 16} {
		if got := hashSlots(procs); got != want {
			t.Errorf("hashSlots(%d) = %d, want %d", procs, got, want)
		}
	}
}

// TestHasherBound: however many verifications are asked at once, no more
// than hashSlots(GOMAXPROCS) run together.
func TestHasherBound(t *testing.T) {
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	ctx := context.Background()
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			if err := h.acquire(ctx); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			h.release(ctx)
		})
	}
	wg.Wait()
	if got, limit := int(peak.Load()), hashSlots(runtime.GOMAXPROCS(0)); got > limit || got < 1 {
		t.Errorf("peak = %d hashes at once, limit %d", got, limit)
	}
}

// recordLimits makes h keep its memory limit with a recorder instead of
// the runtime, on a clock the test moves, and returns the limits set and
// the clock.
func recordLimits(h *Hasher, base int64) (*[]int64, *time.Time) {
	var (
		mu  sync.Mutex
		got []int64
	)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.mem = &hashMemory{base: base, linger: time.Hour, now: func() time.Time { return now },
		set: func(v int64) int64 {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, v)
			return 0
		}}
	return &got, &now
}

// TestHasherLimitMemory: a hash or a verification lifts the soft memory
// limit; it stays lifted while hashes keep coming and returns to the base
// only once none has run for the linger.
func TestHasherLimitMemory(t *testing.T) {
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	const base = 32 << 20
	got, now := recordLimits(h, base)
	ctx := context.Background()
	phc, err := h.Hash(ctx, "secret")
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{math.MaxInt64}
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Fatalf("after a hash: limits set %v, want %v", *got, want)
	}
	*now = now.Add(time.Hour - time.Second)
	if ok, _, err := h.Verify(ctx, "secret", phc); err != nil || !ok {
		t.Fatalf("Verify = %v, %v", ok, err)
	}
	*now = now.Add(time.Hour - time.Second)
	h.mem.lower() // within the linger of the verification
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Fatalf("within the linger: limits set %v, want %v", *got, want)
	}
	*now = now.Add(time.Second)
	h.mem.lower()
	want = append(want, base)
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Fatalf("after the linger: limits set %v, want %v", *got, want)
	}
	if _, err := h.Hash(ctx, "secret"); err != nil {
		t.Fatal(err)
	}
	want = append(want, math.MaxInt64)
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Errorf("a hash after the limit came back: limits set %v, want %v", *got, want)
	}
}

// TestHashMemoryConcurrent: the limit stays lifted while any hash runs,
// however long ago the others ended.
func TestHashMemoryConcurrent(t *testing.T) {
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	const base = 32 << 20
	got, now := recordLimits(h, base)
	m := h.mem
	m.start()
	m.start()
	m.end()
	*now = now.Add(2 * time.Hour)
	m.lower() // one still runs
	want := []int64{math.MaxInt64}
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Fatalf("while one runs: limits set %v, want %v", *got, want)
	}
	m.end()
	*now = now.Add(time.Hour)
	m.lower()
	want = append(want, base)
	if fmt.Sprint(*got) != fmt.Sprint(want) {
		t.Errorf("limits set %v, want %v", *got, want)
	}
}

// TestHasherLimitMemoryRuntime: LimitMemory sets the runtime's limit, and
// a hash lifts it.
func TestHasherLimitMemoryRuntime(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	h := NewHasher(Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	const base = 64 << 30 // far above anything a test holds
	h.LimitMemory(base)
	if got := debug.SetMemoryLimit(-1); got != base {
		t.Fatalf("limit after LimitMemory = %d, want %d", got, base)
	}
	h.mem.linger = time.Hour // the test ends before the limit comes back
	if _, err := h.Hash(context.Background(), "secret"); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after a hash = %d, want none (%d)", got, int64(math.MaxInt64))
	}
	h.mem.timer.Stop()
}
