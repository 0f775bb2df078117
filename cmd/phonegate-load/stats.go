package main

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// result is what one load level measured.
type result struct {
	Target      string // "baseline" or "phonegate"
	Scenario    string
	Concurrency int
	Requests    int           // requests that got an answer, whatever its status
	Non2xx      int           // answers outside 200-299
	Status5xx   int           // of which 500-599
	Transport   int           // requests that got no answer (connection refused, reset, timeout)
	Elapsed     time.Duration // wall time of the measured part
	P50, P99    time.Duration
	Max         time.Duration
	PeakRSS     int64   // bytes, sampled VmRSS maximum while the level ran; 0 if not watched
	OtherCPU    float64 // share of the machine's CPU time other processes took meanwhile
}

// RPS is the answered requests per second.
func (r result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Errors counts non-2xx answers and transport errors together.
func (r result) Errors() int { return r.Non2xx + r.Transport }

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest sample that at least p percent of the
// samples do not exceed. It returns 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// summarize sorts the latencies in place and fills the percentiles of r.
func summarize(r *result, lat []time.Duration) {
	slices.Sort(lat)
	r.P50 = percentile(lat, 50)
	r.P99 = percentile(lat, 99)
	if len(lat) > 0 {
		r.Max = lat[len(lat)-1]
	}
}

// merge adds the rounds of one level into one result, the latencies
// merged before the percentiles are taken.
func merge(rounds []result, lats [][]time.Duration) result {
	if len(rounds) == 0 {
		return result{}
	}
	r := rounds[0]
	r.Requests, r.Non2xx, r.Status5xx, r.Transport, r.Elapsed, r.PeakRSS, r.OtherCPU = 0, 0, 0, 0, 0, 0, 0
	var all []time.Duration
	var other float64
	for i, x := range rounds {
		r.Requests += x.Requests
		r.Non2xx += x.Non2xx
		r.Status5xx += x.Status5xx
		r.Transport += x.Transport
		r.Elapsed += x.Elapsed
		r.PeakRSS = max(r.PeakRSS, x.PeakRSS)
		other += x.OtherCPU * x.Elapsed.Seconds()
		all = append(all, lats[i]...)
	}
	r.OtherCPU = ratio(other, r.Elapsed.Seconds())
	summarize(&r, all)
	return r
}

// ratio returns a/b, or 0 when b is 0, so that a failed baseline shows as
// a zero ratio instead of infinity.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// ms formats a duration in milliseconds with enough digits for loopback
// latencies.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond))
}

// mib formats bytes in MiB.
func mib(n int64) string {
	return fmt.Sprintf("%.1f", float64(n)/(1<<20))
}
