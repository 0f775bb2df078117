package main

import (
	"fmt"
	"testing"
)

// TestStatusStream checks the order the status workload relies on: each
// delivery's stages come along the stream as 0, 1, 2, 3... with no gap and
// no repeat, every stretch of the stream mixes the three statuses, and the
// statuses of one delivery are about 3L positions apart.
func TestStatusStream(t *testing.T) {
	for _, n := range []int{3, 4, 10, 999, 7000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			w := newStatusWorkload(make([]delivery, n), 0, false)
			next := make([]int32, n)
			last := make([]int64, n)
			for i := range last {
				last[i] = -1
			}
			count := [3]int{}
			for pos := int64(0); pos < int64(12*n); pos++ {
				d, stage, ok := w.position(pos)
				if !ok {
					continue
				}
				if stage != next[d] {
					t.Fatalf("position %d: delivery %d stage %d, want %d", pos, d, stage, next[d])
				}
				if gap := 3 * w.lag; n >= 10 && last[d] >= 0 && pos-last[d] < gap-2 {
					t.Fatalf("position %d: delivery %d again after %d positions, want at least %d", pos, d, pos-last[d], gap-2)
				}
				next[d]++
				last[d] = pos
				if pos >= int64(6*n) {
					count[stage%3]++
				}
			}
			for s, c := range count {
				if c < n {
					t.Errorf("status %s came %d times in the last %d positions, want about %d", statusCycle[s], c, 6*n, 2*n)
				}
			}
		})
	}
}
