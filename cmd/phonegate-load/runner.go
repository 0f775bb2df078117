package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runner holds one run: the temporary directory, the servers and what
// they measured.
type runner struct {
	opt options
	out io.Writer

	dir, dbPath, keyPath, bin string
	seed                      *seeded
	twilio                    *fakeTwilio

	pg, base       *child
	pgRSS, baseRSS *rssWatch
	pgAddr         string

	results     []result
	checks      []check
	notes       []string
	mixedLogins loginStats
	mixedPair   [2]result // the voice load without and with logins
	floodStats  floodStats
}

// check is one target's verdict.
type check struct {
	name   string
	ok     bool
	detail string
}

func (r *runner) check(name string, ok bool, format string, args ...any) {
	c := check{name: name, ok: ok, detail: fmt.Sprintf(format, args...)}
	r.checks = append(r.checks, c)
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	r.logf("%s  %s: %s", verdict, c.name, c.detail)
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.out, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func (r *runner) run(ctx context.Context) (err error) {
	start := time.Now()
	r.dir, err = os.MkdirTemp("", "phonegate-load-")
	if err != nil {
		return err
	}
	defer func() {
		if r.opt.Keep || err != nil {
			fmt.Fprintf(r.out, "kept %s (database, key, server logs)\n", r.dir)
			return
		}
		os.RemoveAll(r.dir)
	}()
	r.dbPath = filepath.Join(r.dir, "phonegate.db")
	r.keyPath = filepath.Join(r.dir, "phonegate.key")

	if err := r.build(ctx); err != nil {
		return err
	}
	keys, err := writeKey(r.keyPath)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if r.seed, err = seed(ctx, r.dbPath, keys, r.opt.Seed); err != nil {
		return err
	}
	r.logf("seeded %d call and %d SMS deliveries in %v", len(r.seed.Voice),
		len(r.seed.Status)+len(r.seed.Burst)+len(r.seed.Crash), time.Since(t0).Round(time.Millisecond))

	if r.twilio, err = startFakeTwilio(); err != nil {
		return err
	}
	defer r.twilio.close()
	if r.pgAddr, err = freeAddr(); err != nil {
		return err
	}
	if err := r.startPhonegate(ctx); err != nil {
		return err
	}
	defer func() {
		r.pgRSS.close()
		if serr := r.pg.stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	if err := r.startBaseline(ctx); err != nil {
		return err
	}
	defer func() {
		r.baseRSS.close()
		r.base.stop()
	}()
	if err := r.preflight(ctx); err != nil {
		return err
	}
	if r.opt.Serve > 0 {
		return r.serveOnly(ctx, r.opt.Serve)
	}

	webhooks := r.opt.has("voice") || r.opt.has("status") || r.opt.has("burst")
	for _, s := range []struct {
		name string
		run  bool
		fn   func(context.Context) error
	}{
		{"voice", r.opt.has("voice"), r.voice},
		{"status", r.opt.has("status"), r.status},
		{"forward", r.opt.has("forward"), r.forward},
		{"burst", r.opt.has("burst"), r.burst},
		{"rss", webhooks, r.checkRSS},
		{"mixed", r.opt.has("mixed"), r.mixed},
		// After mixed: the flood fills the seeded account's throttle,
		// which the mixed scenario's logins (no device cookie) would meet.
		{"flood", r.opt.has("flood"), r.flood},
		{"verify", r.opt.has("verify"), r.verifyAPI},
		{"crash", r.opt.has("crash"), r.crash},
	} {
		if !s.run {
			continue
		}
		if err := s.fn(ctx); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	r.logChecks()
	r.report(time.Since(start))
	for _, c := range r.checks {
		if !c.ok && r.opt.Strict {
			return errTargetsMissed
		}
	}
	return nil
}

// build compiles the server from the module this tool belongs to, unless
// -bin names one.
func (r *runner) build(ctx context.Context) error {
	if r.opt.Bin != "" {
		r.bin = r.opt.Bin
		return nil
	}
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("find the module: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if root == "." || root == "" {
		return fmt.Errorf("run the load tool from the phonegate repository, or give -bin")
	}
	r.bin = filepath.Join(r.dir, "phonegate")
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", r.bin, "./cmd/phonegate")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/phonegate: %w\n%s", err, out)
	}
	r.logf("built %s in %v", r.bin, time.Since(t0).Round(time.Millisecond))
	return nil
}

// startPhonegate starts the server in Twilio mode on the seeded database.
func (r *runner) startPhonegate(ctx context.Context) error {
	env := childEnv(
		"PHONEGATE_DB="+r.dbPath,
		"PHONEGATE_SECRET_FILE="+r.keyPath,
		"PHONEGATE_ADDR="+r.pgAddr,
		"PUBLIC_URL=http://"+r.pgAddr,
		"TWILIO_ACCOUNT_SID="+loadAccountSID,
		"TWILIO_AUTH_TOKEN="+loadAuthToken,
		"TWILIO_FROM="+loadFrom,
		"TWILIO_API_URL="+r.twilio.url,
		// The verify scenario sends a code per verification, far more
		// than a day of real traffic.
		"PHONEGATE_DAILY_SMS=100000000",
		"LOG_LEVEL=warn",
		"LOG_FORMAT=json",
	)
	c, err := startChild(ctx, "phonegate", r.pgAddr, r.bin, []string{"serve"}, env, filepath.Join(r.dir, "phonegate.log"))
	if err != nil {
		return err
	}
	r.pg = c
	r.pgRSS = watchRSS(c.pid())
	rss, _ := procStatus(c.pid(), "VmRSS")
	hwm, _ := procStatus(c.pid(), "VmHWM")
	r.logf("phonegate pid %d ready on %s: RSS %s MiB, peak so far (VmHWM) %s MiB", c.pid(), r.pgAddr, mib(rss), mib(hwm))
	return nil
}

// startBaseline starts this very program as the baseline server.
func (r *runner) startBaseline(ctx context.Context) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	c, err := startChild(ctx, "baseline", addr, self, []string{"-serve-baseline", addr}, childEnv(),
		filepath.Join(r.dir, "baseline.log"))
	if err != nil {
		return err
	}
	r.base = c
	r.baseRSS = watchRSS(c.pid())
	return nil
}

func (r *runner) pgTarget() target {
	return target{name: "phonegate", base: r.pg.base(), token: loadAuthToken}
}

func (r *runner) baseTarget() target {
	return target{name: "baseline", base: r.base.base(), token: loadAuthToken}
}

// preflight proves that the measurements will mean something: a signed
// voice request for a seeded call gets 200, and a wrongly signed one 403:
// the server checks signatures and finds the seeded deliveries.
func (r *runner) preflight(ctx context.Context) error {
	c := newClient(1)
	defer c.CloseIdleConnections()
	d := r.seed.Voice[0]
	it := item{path: "/twilio/voice?d=" + d.ID, form: voiceForm(callSID(0), d.To)}
	status, err := send(ctx, c, r.pgTarget(), it)
	if err != nil || status != 200 {
		return fmt.Errorf("preflight: signed /twilio/voice answered %d, %v; want 200", status, err)
	}
	bad := r.pgTarget()
	bad.token = strings.Repeat("f", len(loadAuthToken))
	status, err = send(ctx, c, bad, it)
	if err != nil || status != 403 {
		return fmt.Errorf("preflight: /twilio/voice with a bad signature answered %d, %v; want 403", status, err)
	}
	r.logf("preflight: signed voice request 200, badly signed 403")
	return nil
}

func (r *runner) logChecks() {
	n := 0
	for _, c := range r.checks {
		if !c.ok {
			n++
		}
	}
	if n > 0 {
		r.logf("%d of %d targets missed", n, len(r.checks))
	}
}
