package main

import (
	"bytes"
	"math"
	"os"
	"strconv"
)

// cpuMeter tells how much of the machine's CPU time went to processes
// other than the load tool and its servers while a level ran. The targets
// are ratios against a baseline measured minutes apart on a shared
// machine; a level that ran beside a busy neighbour says so in the report
// instead of passing for a measurement.
type cpuMeter struct {
	// pids are the servers, which must stay alive while a level runs. The
	// load tool and every process descended from it count as its own: the
	// servers, HAProxy, a throwaway PostgreSQL cluster and its backends.
	pids []int

	total, busy, own int64
	alive            bool
}

func newCPUMeter(pids ...int) *cpuMeter {
	m := &cpuMeter{pids: pids}
	m.total, m.busy, m.own, m.alive = m.read()
	return m
}

// otherShare returns the share (0 to 1) of the machine's CPU time since
// newCPUMeter that went to other processes, or NaN when it cannot be told
// because one of the servers died meanwhile (its time went with it).
func (m *cpuMeter) otherShare() float64 {
	total, busy, own, alive := m.read()
	dt := total - m.total
	if !alive || !m.alive {
		return math.NaN()
	}
	if dt <= 0 {
		return 0
	}
	other := (busy - m.busy) - (own - m.own)
	return max(0, float64(other)/float64(dt))
}

// read returns the machine's CPU ticks, all and busy, from /proc/stat, and
// the ticks used by the load tool and m.pids. Time in interrupts is left
// out of busy: on loopback much of it is our own traffic, and the kernel
// charges it to no process. alive is false if a server has gone.
func (m *cpuMeter) read() (total, busy, own int64, alive bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 8 || string(f[0]) != "cpu" {
		return 0, 0, 0, false
	}
	// user nice system idle iowait irq softirq steal [guest guest_nice]:
	// guest time is already counted in user time.
	for i, v := range f[1:min(len(f), 9)] {
		n, _ := strconv.ParseInt(string(v), 10, 64)
		total += n
		switch i {
		case 3, 4, 5, 6: // idle, iowait, irq, softirq
		default:
			busy += n
		}
	}
	alive = true
	for _, pid := range m.pids {
		_, ok := procTicks(strconv.Itoa(pid))
		alive = alive && ok
	}
	return total, busy, familyTicks(os.Getpid()), alive
}

// familyTicks returns the CPU ticks (utime+stime) of process root and of
// every process descended from it, read from /proc.
func familyTicks(root int) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	type proc struct {
		ppid  int
		ticks int64
	}
	procs := make(map[int]proc, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		ppid, ticks := parseStat(b)
		procs[pid] = proc{ppid, ticks}
	}
	var sum int64
	for pid, p := range procs {
		// Walk up to the root, or to init; a process tree is shallow.
		for q, depth := pid, 0; q > 1 && depth < 64; depth++ {
			if q == root {
				sum += p.ticks
				break
			}
			up, ok := procs[q]
			if !ok {
				break
			}
			q = up.ppid
		}
	}
	return sum
}

// procTicks returns utime+stime of a process from /proc/<pid>/stat, and
// false if it is gone (or a zombie, whose times no longer count).
func procTicks(pid string) (int64, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	if i := bytes.LastIndexByte(b, ')'); i >= 0 && bytes.HasPrefix(bytes.TrimSpace(b[i+1:]), []byte("Z")) {
		return 0, false
	}
	return parseStatTicks(b), true
}

func parseStatTicks(b []byte) int64 {
	_, ticks := parseStat(b)
	return ticks
}

// parseStat returns the parent's process ID and utime+stime of a
// /proc/<pid>/stat line.
func parseStat(b []byte) (ppid int, ticks int64) {
	// The command name is in parentheses and may hold spaces: fields are
	// counted after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0
	}
	f := bytes.Fields(b[i+1:])
	// After ')' come state (field 3), ppid (4) ... utime is field 14, stime 15.
	if len(f) < 13 {
		return 0, 0
	}
	ppid, _ = strconv.Atoi(string(f[1]))
	u, _ := strconv.ParseInt(string(f[11]), 10, 64)
	s, _ := strconv.ParseInt(string(f[12]), 10, 64)
	return ppid, u + s
}
