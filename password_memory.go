package phonegate

import (
	"math"
	"runtime/debug"
	"sync"
	"time"
)

// hashMemoryLinger is how long after the last password hash the soft
// memory limit stays lifted: logins come in bursts, and each hash of a
// burst should find the memory the previous one left.
const hashMemoryLinger = 10 * time.Second

// hashMemory keeps the process's soft memory limit at a base while no
// password is hashed, and lifts it while hashes run and for linger after
// (Hasher.LimitMemory).
type hashMemory struct {
	set    func(int64) int64 // debug.SetMemoryLimit; a test records instead
	now    func() time.Time
	linger time.Duration
	base   int64

	mu      sync.Mutex
	running int       // hashes running now
	lifted  bool      // the limit is lifted
	lastEnd time.Time // when running last fell to zero
	timer   *time.Timer
}

// start counts a hash that starts, and lifts the limit if it is not.
func (m *hashMemory) start() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running++
	if !m.lifted {
		m.lifted = true
		m.set(math.MaxInt64)
	}
}

// end counts a hash that ended; linger after the last one, lower puts the
// limit back.
func (m *hashMemory) end() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.running--
	if m.running > 0 {
		return
	}
	m.lastEnd = m.now()
	if m.timer == nil {
		m.timer = time.AfterFunc(m.linger, m.lower)
	} else {
		m.timer.Reset(m.linger)
	}
}

// lower puts the limit back to the base once no hash has run for linger;
// the collector then hands the hashes' memory back to the system.
func (m *hashMemory) lower() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running > 0 || !m.lifted {
		return
	}
	if wait := m.linger - m.now().Sub(m.lastEnd); wait > 0 {
		m.timer.Reset(wait)
		return
	}
	m.lifted = false
	m.set(m.base)
}

// LimitMemory makes the hasher keep the process's soft memory limit
// (runtime/debug.SetMemoryLimit) at base while no password is hashed, and
// lift it while hashes run and for hashMemoryLinger after the last one.
// The limit is for the steady load of webhooks and checks, whose live heap
// is small. A hash allocates its whole memory (19 MiB with DefaultArgon2)
// at once, two may run together, and under a limit that leaves them little
// room the collector runs so often that logins beside webhooks took ten
// times as long in the load tool's mixed scenario. Call it before the
// hasher is used.
func (h *Hasher) LimitMemory(base int64) {
	h.mem = &hashMemory{set: debug.SetMemoryLimit, now: time.Now, linger: hashMemoryLinger, base: base}
	h.mem.set(base)
}
