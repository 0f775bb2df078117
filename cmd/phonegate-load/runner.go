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

	"github.com/phonegate/phonegate/internal/haproxytest"
)

// runner holds one run: the temporary directory, the servers and what
// they measured.
type runner struct {
	opt options
	out io.Writer

	dir, db, keyPath, bin string
	seed                  *seeded
	twilio                *fakeTwilio

	// The phonegate instances and the baselines, one each or
	// -instances each behind HAProxy; the fronts are where the load
	// goes: the one server's URL, or HAProxy's.
	pgs, bases         []*child
	pgAddrs, baseAddrs []string
	pgFront, baseFront string
	pgRSS, baseRSS     *rssWatch
	lb                 *haproxytest.HAProxy

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
	r.keyPath = filepath.Join(r.dir, "phonegate.key")
	stopDB, err := r.database()
	if err != nil {
		return err
	}
	defer stopDB()

	if err := r.build(ctx); err != nil {
		return err
	}
	keys, err := writeKey(r.keyPath)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if r.seed, err = seed(ctx, r.db, keys, r.opt.Seed); err != nil {
		return err
	}
	r.logf("seeded %d call and %d SMS deliveries in %v", len(r.seed.Voice),
		len(r.seed.Status)+len(r.seed.Burst)+len(r.seed.Crash), time.Since(t0).Round(time.Millisecond))

	if r.twilio, err = startFakeTwilio(); err != nil {
		return err
	}
	defer r.twilio.close()
	if err := r.addresses(); err != nil {
		return err
	}
	if r.opt.Instances > 1 {
		if err := r.startBalancer(); err != nil {
			return err
		}
		defer r.lb.Stop()
	}
	defer func() {
		if r.pgRSS != nil {
			r.pgRSS.close()
		}
		for _, c := range r.pgs {
			if c == nil {
				continue
			}
			if serr := c.stop(); serr != nil && err == nil {
				err = serr
			}
		}
	}()
	for i := range r.opt.Instances {
		if err := r.startPhonegate(ctx, i); err != nil {
			return err
		}
	}
	r.pgRSS = watchRSS(pids(r.pgs)...)
	defer func() {
		if r.baseRSS != nil {
			r.baseRSS.close()
		}
		for _, c := range r.bases {
			if c != nil {
				c.stop()
			}
		}
	}()
	for i := range r.opt.Instances {
		if err := r.startBaseline(ctx, i); err != nil {
			return err
		}
	}
	r.baseRSS = watchRSS(pids(r.bases)...)
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

// startPhonegate starts instance i of the server in Twilio mode on the
// seeded database. Its public URL is the front's, for which the load
// tool signs the webhooks.
func (r *runner) startPhonegate(ctx context.Context, i int) error {
	addr := r.pgAddrs[i]
	env := childEnv(
		"PHONEGATE_DB="+r.db,
		"PHONEGATE_SECRET_FILE="+r.keyPath,
		"PHONEGATE_ADDR="+addr,
		"PUBLIC_URL="+r.pgFront,
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
	name := r.childName("phonegate", i)
	c, err := startChild(ctx, name, addr, r.bin, []string{"serve"}, env, filepath.Join(r.dir, name+".log"))
	if err != nil {
		return err
	}
	r.pgs[i] = c
	rss, _ := procStatus(c.pid(), "VmRSS")
	hwm, _ := procStatus(c.pid(), "VmHWM")
	r.logf("%s pid %d ready on %s (%s): RSS %s MiB, peak so far (VmHWM) %s MiB", name, c.pid(), addr, storeName(r.db), mib(rss), mib(hwm))
	return nil
}

// childName names instance i of a kind of server: "phonegate" alone,
// "phonegate-1", "phonegate-2", … among several.
func (r *runner) childName(kind string, i int) string {
	if r.opt.Instances == 1 {
		return kind
	}
	return fmt.Sprintf("%s-%d", kind, i+1)
}

// startBaseline starts this very program as baseline server i.
func (r *runner) startBaseline(ctx context.Context, i int) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	name, addr := r.childName("baseline", i), r.baseAddrs[i]
	c, err := startChild(ctx, name, addr, self, []string{"-serve-baseline", addr}, childEnv(),
		filepath.Join(r.dir, name+".log"))
	if err != nil {
		return err
	}
	r.bases[i] = c
	return nil
}

func (r *runner) pgTarget() target {
	return target{name: "phonegate", base: r.pgFront, token: loadAuthToken}
}

func (r *runner) baseTarget() target {
	return target{name: "baseline", base: r.baseFront, token: loadAuthToken}
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
