package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"sync"
	"time"
)

// rssWatch samples the resident set size of processes (the instances of
// one server) from /proc and keeps the largest value any one of them had
// since the last reset. The kernel's own high-water
// mark (VmHWM) covers the whole life of the process; the sampled peak
// lets each level be told apart.
type rssWatch struct {
	pids     []int
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once

	mu  sync.Mutex
	max int64
}

// rssInterval is how often VmRSS is sampled. A Go heap grows and shrinks
// over tens of milliseconds, so this misses little.
const rssInterval = 20 * time.Millisecond

func watchRSS(pids ...int) *rssWatch {
	w := &rssWatch{pids: pids, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(rssInterval)
		defer t.Stop()
		for {
			for _, pid := range w.pids {
				if v, err := procStatus(pid, "VmRSS"); err == nil {
					w.mu.Lock()
					w.max = max(w.max, v)
					w.mu.Unlock()
				}
			}
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

func (w *rssWatch) reset() {
	w.mu.Lock()
	w.max = 0
	w.mu.Unlock()
}

func (w *rssWatch) peak() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.max
}

// hwm returns the kernel's high-water mark of the RSS of the process that
// had the largest.
func (w *rssWatch) hwm() int64 {
	var m int64
	for _, pid := range w.pids {
		v, _ := procStatus(pid, "VmHWM")
		m = max(m, v)
	}
	return m
}

// close stops the sampling; it may be called more than once.
func (w *rssWatch) close() {
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
}

// procStatus reads one "Name:   123 kB" field of /proc/<pid>/status, in
// bytes.
func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	return parseProcStatus(b, field)
}

func parseProcStatus(b []byte, field string) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	prefix := []byte(field + ":")
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, prefix) {
			continue
		}
		f := bytes.Fields(line[len(prefix):])
		if len(f) == 0 {
			break
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, err
		}
		if len(f) > 1 && string(f[1]) == "kB" {
			n *= 1024
		}
		return n, nil
	}
	return 0, os.ErrNotExist
}
