package phonegate

import (
	"context"
	"runtime"
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
