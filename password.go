package phonegate

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the Argon2id parameters of a password hash.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  uint32
}

// DefaultArgon2 is OWASP's recommended Argon2id setting (m=19 MiB, t=2, p=1).
var DefaultArgon2 = Argon2Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Password length limits, in code points.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// ErrPasswordLength is returned for a password outside the length limits.
var ErrPasswordLength = fmt.Errorf("the password must be %d to %d characters long", MinPasswordLen, MaxPasswordLen)

// CheckPasswordRules reports whether pw may be chosen as a password.
func CheckPasswordRules(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen {
		return ErrPasswordLength
	}
	return nil
}

// Hasher hashes and verifies passwords and other secrets with Argon2id. It
// lets at most GOMAXPROCS hashes run at once and queues a few more (see
// hashQueue: authenticated work first; past the queue, ErrHasherBusy at
// once): a burst
// of logins holds at most every core for the 30 ms a hash takes, rather
// than starting hundreds of 19 MiB hashes that would all finish late.
// One slot fewer would keep a core for the webhooks, but on two cores it
// halves how many logins a second the server can take while webhooks keep
// the other core busy (at 20 a second the queue then barely drains: login
// p50 around a second in the load tool's mixed scenario, against 50 to
// 100 ms with both slots).
type Hasher struct {
	params Argon2Params
	slots  *hashQueue
	dummy  string
	mem    *hashMemory // nil unless LimitMemory was called
}

// NewHasher returns a Hasher with the given parameters.
func NewHasher(p Argon2Params) *Hasher {
	h := &Hasher{params: p, slots: newHashQueue(hashSlots(runtime.GOMAXPROCS(0)))}
	// A well-formed hash with the current parameters and random bytes,
	// verified when an email is unknown so that an unknown email costs the
	// same as a wrong password. It needs no Argon2 run of its own: nothing
	// can match it, and computing one at start-up would leave a 19 MiB heap
	// goal behind before the first request.
	salt, key := make([]byte, p.SaltLen), make([]byte, p.KeyLen)
	rand.Read(salt)
	rand.Read(key)
	h.dummy = h.phc(salt, key)
	return h
}

// hashSlots is how many hashes may run at once on procs cores.
func hashSlots(procs int) int { return max(1, procs) }

// acquire takes a hashing slot with the priority ctx carries
// (WithPriority), or returns ErrHasherBusy.
func (h *Hasher) acquire(ctx context.Context) error { return h.slots.acquire(ctx, priorityOf(ctx)) }

func (h *Hasher) release(ctx context.Context) { h.slots.release(priorityOf(ctx)) }

// Admits reports whether a hash with the priority ctx carries would now
// run or queue rather than fail with ErrHasherBusy: a cheap check before
// work that a refusal would waste. The answer may be stale at once; the
// hash itself decides.
func (h *Hasher) Admits(ctx context.Context) bool { return h.slots.admits(priorityOf(ctx)) }

// Hash returns the PHC string of secret.
func (h *Hasher) Hash(ctx context.Context, secret string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release(ctx)
	h.mem.start()
	defer h.mem.end()
	return h.hash(secret), nil
}

func (h *Hasher) hash(secret string) string {
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt)
	p := h.params
	key := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return h.phc(salt, key)
}

// phc writes a salt and key as a PHC string with the hasher's parameters.
func (h *Hasher) phc(salt, key []byte) string {
	p := h.params
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// Verify reports whether secret matches the PHC string phc, and whether
// the hash should be redone because its parameters are not the current
// ones. An empty phc is verified against a dummy hash, taking the same time,
// and never matches.
func (h *Hasher) Verify(ctx context.Context, secret, phc string) (ok, rehash bool, err error) {
	target := phc
	if target == "" {
		target = h.dummy
	}
	p, salt, key, err := parsePHC(target)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release(ctx)
	h.mem.start()
	defer h.mem.end()
	got := argon2.IDKey([]byte(secret), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	if phc == "" {
		return false, false, nil
	}
	ok = subtle.ConstantTimeCompare(got, key) == 1
	cur := h.params
	rehash = ok && (p.Memory != cur.Memory || p.Time != cur.Time || p.Threads != cur.Threads ||
		len(salt) != cur.SaltLen || uint32(len(key)) != cur.KeyLen)
	return ok, rehash, nil
}

var errBadPHC = errors.New("malformed argon2id hash")

func parsePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errBadPHC
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errBadPHC
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errBadPHC
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 || p.Threads == 0 || p.Time == 0 {
		return p, nil, nil, errBadPHC
	}
	p.SaltLen, p.KeyLen = len(salt), uint32(len(key))
	return p, salt, key, nil
}
