package main

import (
	"math"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample", []time.Duration{7}, 99, 7},
		{"median of 100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p100 of 100", hundred, 100, 100 * time.Millisecond},
		{"tiny p is the minimum", hundred, 0.001, time.Millisecond},
		{"p99 of 3 is the maximum", []time.Duration{1, 2, 3}, 99, 3},
		{"median of 4 is the lower middle", []time.Duration{1, 2, 3, 4}, 50, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	lat := []time.Duration{5, 1, 4, 2, 3}
	var r result
	summarize(&r, lat)
	if r.P50 != 3 || r.P99 != 5 || r.Max != 5 {
		t.Errorf("summarize = p50 %v p99 %v max %v, want 3 5 5", r.P50, r.P99, r.Max)
	}
	r = result{Requests: 500, Elapsed: 2 * time.Second}
	if got := r.RPS(); got != 250 {
		t.Errorf("RPS = %v, want 250", got)
	}
	if got := ratio(1, 0); got != 0 {
		t.Errorf("ratio(1, 0) = %v, want 0", got)
	}
}

func TestParseProcStatus(t *testing.T) {
	status := []byte("Name:\tphonegate\nVmPeak:\t 1265448 kB\nVmHWM:\t   31200 kB\nVmRSS:\t   29876 kB\nThreads:\t9\n")
	tests := []struct {
		field string
		want  int64
	}{
		{"VmHWM", 31200 * 1024},
		{"VmRSS", 29876 * 1024},
		{"Threads", 9},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			got, err := parseProcStatus(status, tt.field)
			if err != nil || got != tt.want {
				t.Errorf("parseProcStatus(%s) = %d, %v, want %d", tt.field, got, err, tt.want)
			}
		})
	}
	if _, err := parseProcStatus(status, "VmSwap"); err == nil {
		t.Error("parseProcStatus of a missing field gave no error")
	}
}

func TestParseStatTicks(t *testing.T) {
	stat := []byte("4242 (phone gate) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 35 0 0 20 0 9 0 1000 123456 789\n")
	if got := parseStatTicks(stat); got != 185 {
		t.Errorf("parseStatTicks = %d, want 185", got)
	}
	if got := parseStatTicks([]byte("garbage")); got != 0 {
		t.Errorf("parseStatTicks(garbage) = %d, want 0", got)
	}
	if ppid, ticks := parseStat(stat); ppid != 1 || ticks != 185 {
		t.Errorf("parseStat = %d, %d, want 1, 185", ppid, ticks)
	}
}

// TestFamilyTicks: a child's CPU time counts in its parent's family, and
// not in the family of a process it does not descend from.
func TestFamilyTicks(t *testing.T) {
	// A child that spins until it has used some CPU time.
	cmd := exec.Command("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 5")
	if err := cmd.Start(); err != nil {
		t.Skip("no sh:", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	child := cmd.Process.Pid
	var own int64
	for range 200 {
		if own, _ = procTicks(strconv.Itoa(child)); own > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if own == 0 {
		t.Skip("the child used no measurable CPU time")
	}
	self, _ := procTicks("self")
	if got := familyTicks(os.Getpid()); got < self+own {
		t.Errorf("familyTicks(self) = %d, want at least self %d + child %d", got, self, own)
	}
	if got := familyTicks(child); got < own || got >= self+own {
		t.Errorf("familyTicks(child) = %d, want the child's own %d, without its parent's %d", got, own, self)
	}
}

func TestMerge(t *testing.T) {
	a := result{Target: "phonegate", Concurrency: 4, Requests: 3, Non2xx: 1, Elapsed: time.Second, PeakRSS: 10, OtherCPU: 0.2}
	b := result{Target: "phonegate", Concurrency: 4, Requests: 2, Transport: 1, Elapsed: 3 * time.Second, PeakRSS: 30, OtherCPU: 0.6}
	got := merge([]result{a, b}, [][]time.Duration{{1, 9, 3}, {2, 4}})
	want := result{Target: "phonegate", Concurrency: 4, Requests: 5, Non2xx: 1, Transport: 1, Elapsed: 4 * time.Second,
		PeakRSS: 30, P50: 3, P99: 9, Max: 9}
	if math.Abs(got.OtherCPU-0.5) > 1e-9 {
		t.Errorf("merged OtherCPU = %v, want 0.5 (weighted by elapsed time)", got.OtherCPU)
	}
	got.OtherCPU = 0
	if got != want {
		t.Errorf("merge = %+v, want %+v", got, want)
	}
}
