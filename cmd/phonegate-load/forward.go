package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/phonegate/phonegate"
)

// Targets of the forward scenario (issue 13), as ratios of the baseline
// measured in the same run; every answer must be 200.
const (
	forwardMinRPS = 0.5
	forwardMaxP99 = 2.0
)

// forwardHost is the protected site the forward scenario asks about.
const forwardHost = "app.example.com"

// forwardSeed is what the forward scenario drives: the session token of a
// member of the project that protects forwardHost.
type forwardSeed struct {
	Token string
}

// seedForward stores, through the store as the server would have, an
// owner of a project at level "every time you log in" that protects
// forwardHost, with a verified phone, and a session of theirs that passed
// the code: a check of it reads the site, the session, the user, the
// memberships and their levels, the waiting emergency code and the
// membership, and is let through.
func seedForward(ctx context.Context, db phonegate.Store, hasher *phonegate.Hasher, passwordHash string, now time.Time) (forwardSeed, error) {
	u, err := db.CreateUser(ctx, "forward@example.com", passwordHash, now)
	if err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	p, err := db.CreateProject(ctx, u.ID, "Forward", now)
	if err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	if _, err := db.SetMFALevel(ctx, p.ID, u.ID, string(phonegate.LevelEveryLogin), now); err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	if err := db.AddSite(ctx, forwardHost, p.ID, u.ID, now); err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	emergency, err := hasher.Hash(ctx, phonegate.NewToken())
	if err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	// The phone is verified the way an enrollment verifies it: a challenge
	// passed, which brings the emergency code.
	enroll := phonegate.Challenge{ID: phonegate.NewToken(), UserID: u.ID, SessionHash: phonegate.HashToken(phonegate.NewToken()),
		Purpose: phonegate.PurposeEnroll, Label: p.Name, Phone: "+12029990001", CodeMAC: []byte("unused"),
		CodeSealed: []byte("unused"), CreatedAt: now, ExpiresAt: now.Add(phonegate.ChallengeLife)}
	if err := db.CreateChallenge(ctx, enroll); err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	if _, err := db.TakeCheck(ctx, enroll.ID, enroll.SessionHash, now); err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	if _, err := db.PassChallenge(ctx, enroll.ID, enroll.SessionHash, phonegate.Pass{EmergencyHash: emergency}, now); err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	token := phonegate.NewToken()
	sess := phonegate.Session{TokenHash: phonegate.HashToken(token), UserID: u.ID, CSRFToken: phonegate.NewToken(),
		MFAAt: now, UserAgent: "phonegate-load", CreatedAt: now, LastSeenAt: now}
	if err := db.CreateSession(ctx, sess); err != nil {
		return forwardSeed{}, fmt.Errorf("seed forward: %w", err)
	}
	return forwardSeed{Token: token}, nil
}

// forwardWorkload is Caddy's forward_auth asking about a page of the
// protected app, for a browser whose session token is the one given to
// newForwardWorkload (none when "").
type forwardWorkload struct {
	header string
	wrong  atomic.Int64 // answers other than 200
	first  atomic.Int64 // the first such status
}

func newForwardWorkload(token string) *forwardWorkload {
	h := "X-Forwarded-Method: GET\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Host: " + forwardHost +
		"\r\nX-Forwarded-Uri: /dashboard?tab=1\r\nAccept: text/html\r\nUser-Agent: Caddy/2\r\n"
	if token != "" {
		h += "Cookie: phonegate_session=" + token + "\r\n"
	}
	return &forwardWorkload{header: h}
}

func (w *forwardWorkload) next(context.Context) (item, bool) {
	return item{get: true, path: "/auth/forward", header: w.header}, true
}

func (w *forwardWorkload) done(_ item, status int, err error) {
	if err == nil && status != 200 {
		w.wrong.Add(1)
		w.first.CompareAndSwap(0, int64(status))
	}
}

// forwardPreflight proves the scenario measures the check: the seeded
// session is let through (200), and no session is sent to log in (302).
func (r *runner) forwardPreflight(ctx context.Context) error {
	cs := newConns(r.pgTarget(), 1)
	defer closeConns(cs)
	for _, tt := range []struct {
		token string
		want  int
	}{{r.seed.Forward.Token, 200}, {"", 302}} {
		status, err := cs[0].do(ctx, r.pgTarget(), item{get: true, path: "/auth/forward", header: newForwardWorkload(tt.token).header})
		if err != nil || status != tt.want {
			return fmt.Errorf("preflight: /auth/forward answered %d, %v; want %d", status, err, tt.want)
		}
	}
	r.logf("preflight: forward auth 200 with the seeded session, 302 without")
	return nil
}

func (r *runner) forward(ctx context.Context) error {
	if err := r.forwardPreflight(ctx); err != nil {
		return err
	}
	at := r.targetLevel()
	for _, c := range r.opt.Concurrency {
		pg := newForwardWorkload(r.seed.Forward.Token)
		rb, rp := r.pair(ctx, "forward", c, newForwardWorkload(r.seed.Forward.Token), pg)
		if c != at {
			continue
		}
		r.checkRatios("forward", c, rb, rp, forwardMinRPS, forwardMaxP99)
		r.check(fmt.Sprintf("forward c=%d all 200", c), rp.Errors() == 0 && pg.wrong.Load() == 0,
			"%d answers not 200 (the first %d), %d transport errors", pg.wrong.Load(), pg.first.Load(), rp.Transport)
	}
	return nil
}

// forwardWrk writes a wrk script that asks the forward-auth check what the
// forward scenario asks, with the seeded session, and prints the wrk
// commands for phonegate and for the baseline (which answers anything).
func (r *runner) forwardWrk() error {
	var b strings.Builder
	b.WriteString("wrk.method = \"GET\"\n")
	for _, line := range strings.Split(strings.TrimSuffix(newForwardWorkload(r.seed.Forward.Token).header, "\r\n"), "\r\n") {
		k, v, _ := strings.Cut(line, ": ")
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", strconv.Quote(k), strconv.Quote(v))
	}
	lua := filepath.Join(r.dir, "forward.lua")
	if err := os.WriteFile(lua, []byte(b.String()), 0o644); err != nil {
		return err
	}
	for _, tg := range []target{r.baseTarget(), r.pgTarget()} {
		fmt.Fprintf(r.out, "wrk -t2 -c64 -d10s --latency -s %s '%s/auth/forward'\n", lua, tg.base)
	}
	return nil
}
