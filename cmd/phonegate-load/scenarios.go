package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// targetConcurrency is where the targets are measured.
const targetConcurrency = 64

// Targets (issue 6), as ratios of the baseline measured in the same run.
const (
	voiceMinRPS    = 0.5
	voiceMaxP99    = 2.0
	statusMinRPS   = 0.3
	maxRSS         = 64 << 20
	mixedMaxP99    = 3.0
	crashKillShare = 0.4 // of the burst answered 2xx when the server is killed
)

// targetLevel is the concurrency the targets are checked at: 64, or the
// highest level run if 64 is not among them.
func (r *runner) targetLevel() int {
	best := 0
	for _, c := range r.opt.Concurrency {
		if c == targetConcurrency {
			return c
		}
		best = max(best, c)
	}
	return best
}

func (r *runner) record(scenario string, res result) result {
	res.Scenario = scenario
	r.results = append(r.results, res)
	r.logf("%-9s %-9s c=%-4d %8.0f req/s  p50 %6s ms  p99 %7s ms  errors %d (5xx %d, transport %d)  rss %s MiB  other cpu %s",
		scenario, res.Target, res.Concurrency, res.RPS(), ms(res.P50), ms(res.P99), res.Errors(), res.Status5xx,
		res.Transport, mib(res.PeakRSS), percent(res.OtherCPU))
	return res
}

func (r *runner) probe(t target) probe {
	pr := probe{pids: r.serverPIDs(), rss: r.pgRSS}
	if t.name == "baseline" {
		pr.rss = r.baseRSS
	}
	return pr
}

// quietShare is how much of the machine other processes may use for a
// level to start without waiting.
const quietShare = 0.15

// settle waits, up to -settle, for other processes to leave the machine
// mostly idle: on a shared machine, compiles and test runs come and go in
// bursts, and a level measured beside one says little.
func (r *runner) settle(ctx context.Context) {
	give := time.Now().Add(r.opt.Settle)
	for {
		m := newCPUMeter(r.serverPIDs()...)
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
		other := m.otherShare()
		if other < quietShare {
			return
		}
		if time.Now().After(give) {
			r.logf("the machine is busy: other processes use %s of its CPU; measuring anyway", percent(other))
			return
		}
	}
}

// once drives one target at one level with a client of its own.
func (r *runner) once(ctx context.Context, scenario string, t target, w workload, lv level) result {
	r.settle(ctx)
	cs := newConns(t, lv.Concurrency)
	defer closeConns(cs)
	res, _ := drive(ctx, cs, t, w, lv, r.probe(t))
	return r.record(scenario, res)
}

// pair drives the baseline and phonegate at one level, in -rounds
// alternating rounds that split the level's time, so that a neighbour's
// burst of CPU use lands on both rather than on one; each target keeps
// its connections from round to round and warms up in the first only.
func (r *runner) pair(ctx context.Context, scenario string, c int, base, pg workload) (result, result) {
	bt, pt := r.baseTarget(), r.pgTarget()
	bc, pc := newConns(bt, c), newConns(pt, c)
	defer closeConns(bc)
	defer closeConns(pc)
	var bres, pres []result
	var blat, plat [][]time.Duration
	r.settle(ctx)
	for i := range r.opt.Rounds {
		lv := level{Concurrency: c, Duration: r.opt.Duration / time.Duration(r.opt.Rounds)}
		if i == 0 {
			lv.Warmup = r.opt.Warmup
		}
		res, lat := drive(ctx, bc, bt, base, lv, r.probe(bt))
		bres, blat = append(bres, res), append(blat, lat)
		res, lat = drive(ctx, pc, pt, pg, lv, r.probe(pt))
		pres, plat = append(pres, res), append(plat, lat)
	}
	return r.record(scenario, merge(bres, blat)), r.record(scenario, merge(pres, plat))
}

func (r *runner) voice(ctx context.Context) error {
	at := r.targetLevel()
	for _, c := range r.opt.Concurrency {
		rb, rp := r.pair(ctx, "voice", c, &voiceWorkload{ds: r.seed.Voice}, &voiceWorkload{ds: r.seed.Voice})
		if c != at {
			continue
		}
		r.checkRatios("voice", c, rb, rp, voiceMinRPS, voiceMaxP99)
		r.check(fmt.Sprintf("voice c=%d errors", c), rp.Errors() == 0, "%d non-2xx, %d transport", rp.Non2xx, rp.Transport)
	}
	return nil
}

// checkRatios checks phonegate's rate and p99 at concurrency c against
// the baseline's of the same run: at least minRPS times the rate, at most
// maxP99 times the p99.
func (r *runner) checkRatios(scenario string, c int, rb, rp result, minRPS, maxP99 float64) {
	rps := ratio(rp.RPS(), rb.RPS())
	r.check(fmt.Sprintf("%s c=%d req/s", scenario, c), rps >= minRPS,
		"%.0f vs baseline %.0f = %.2fx (target >= %.1fx)", rp.RPS(), rb.RPS(), rps, minRPS)
	p99 := ratio(float64(rp.P99), float64(rb.P99))
	r.check(fmt.Sprintf("%s c=%d p99", scenario, c), p99 <= maxP99,
		"%s ms vs baseline %s ms = %.2fx (target <= %.1fx)", ms(rp.P99), ms(rb.P99), p99, maxP99)
}

func (r *runner) status(ctx context.Context) error {
	at := r.targetLevel()
	// One workload across the levels, so that each level goes on where the
	// previous one stopped and the database check covers all of them.
	pg := newStatusWorkload(r.seed.Status, 0, true)
	base := newStatusWorkload(r.seed.Status, 0, false)
	s5xx := 0
	for _, c := range r.opt.Concurrency {
		rb, rp := r.pair(ctx, "status", c, base, pg)
		s5xx += rp.Status5xx
		if c == at {
			rps := ratio(rp.RPS(), rb.RPS())
			r.check(fmt.Sprintf("status c=%d req/s", c), rps >= statusMinRPS,
				"%.0f vs baseline %.0f = %.2fx (target >= %.1fx)", rp.RPS(), rb.RPS(), rps, statusMinRPS)
		}
	}
	r.check("status no 5xx", s5xx == 0, "%d answers 5xx over all levels", s5xx)
	if n := pg.replays.Load(); n > 0 {
		r.notes = append(r.notes, fmt.Sprintf("status: %d of the callbacks to phonegate were replays of earlier ones (cheaper); seed more with -seed-sms", n))
	}
	return r.checkStored(ctx, "status", pg)
}

// checkStored checks the database against a status workload, and the
// server's log for lock errors and errors of any kind.
func (r *runner) checkStored(ctx context.Context, name string, w *statusWorkload) error {
	sc, err := verifyStatuses(ctx, r.db, w)
	if err != nil {
		return err
	}
	r.check(name+" stored exactly once", sc.OK(), "%s", sc)
	for _, e := range sc.Examples {
		r.logf("    %s", e)
	}
	locked, err := logsContain(r.pgLogs(), "database is locked")
	if err != nil {
		return err
	}
	r.check(name+" no \"database is locked\"", locked == 0, "%d in the servers' logs", locked)
	// The status routes answer 204 even when the store fails (Twilio could
	// do nothing about it), so the server's log is where a failure shows.
	errs, err := logsContain(r.pgLogs(), `"level":"error"`)
	if err != nil {
		return err
	}
	r.check(name+" no error logged", errs == 0, "%d error lines in the servers' logs so far", errs)
	return nil
}

func (r *runner) burstLevel() level {
	// The level is bounded by its count; the time bound only catches a
	// server that has stopped answering.
	return level{Concurrency: r.opt.BurstC, Duration: 3 * time.Minute, MaxRequests: r.opt.Burst}
}

func (r *runner) burst(ctx context.Context) error {
	w := newStatusWorkload(r.seed.Burst, r.opt.Burst, true)
	res := r.once(ctx, "burst", r.pgTarget(), w, r.burstLevel())
	r.check(fmt.Sprintf("burst %d at c=%d all 2xx", r.opt.Burst, r.opt.BurstC), int(w.sent.Load()) == r.opt.Burst,
		"%d of %d answered 2xx in %v (%d 5xx, %d transport errors)", w.sent.Load(), r.opt.Burst,
		res.Elapsed.Round(time.Millisecond), res.Status5xx, res.Transport)
	return r.checkStored(ctx, "burst", w)
}

// checkRSS checks the server's peak RSS over the webhook scenarios, which
// run first, before the logins of the mixed scenario hash passwords.
func (r *runner) checkRSS(context.Context) error {
	hwm := r.pgRSS.hwm()
	of := ""
	if r.opt.Instances > 1 {
		of = " of the largest instance"
	}
	r.check("rss during webhook load", hwm > 0 && hwm <= maxRSS, "peak (VmHWM)%s %s MiB (target <= %s MiB)", of, mib(hwm), mib(maxRSS))
	// What the RSS is made of now: anonymous memory (Go's heap, C's
	// allocations such as SQLite's page caches) and the executable's
	// pages.
	for _, c := range r.pgs {
		anon, _ := procStatus(c.pid(), "RssAnon")
		file, _ := procStatus(c.pid(), "RssFile")
		r.notes = append(r.notes, fmt.Sprintf("%s after the webhook scenarios: RSS %s MiB anonymous, %s MiB of files (the executable's pages)",
			c.name, mib(anon), mib(file)))
	}
	return nil
}

func (r *runner) mixed(ctx context.Context) error {
	lv := level{Concurrency: r.opt.MixedC, Warmup: r.opt.Warmup, Duration: r.opt.Duration}
	alone := r.once(ctx, "voice", r.pgTarget(), &voiceWorkload{ds: r.seed.Voice}, lv)

	lctx, stop := context.WithCancel(ctx)
	logins := make(chan loginStats, 1)
	go func() { logins <- runLogins(lctx, r.pgFront, r.seed.Email, r.seed.Password, r.opt.LoginRate) }()
	mixed := r.once(ctx, "+logins", r.pgTarget(), &voiceWorkload{ds: r.seed.Voice}, lv)
	stop()
	ls := <-logins
	r.logf("logins: %d started (%.1f/s), %d ok, %d failed, %d dropped; login p50 %s ms, p99 %s ms",
		ls.Started, ls.Rate(), ls.OK, ls.Failed, ls.Dropped, ms(ls.P50), ms(ls.P99))
	if ls.FirstError != "" {
		r.logf("    first login error: %s", ls.FirstError)
	}
	r.mixedLogins = ls
	r.mixedPair = [2]result{alone, mixed}

	want := float64(r.opt.LoginRate) * 0.9
	r.check(fmt.Sprintf("mixed %d logins/s ran", r.opt.LoginRate), ls.Failed == 0 && ls.Dropped == 0 && ls.Rate() >= want,
		"%.1f logins/s started, %d of %d ok, %d failed, %d dropped", ls.Rate(), ls.OK, ls.Started, ls.Failed, ls.Dropped)
	p99 := ratio(float64(mixed.P99), float64(alone.P99))
	r.check(fmt.Sprintf("mixed voice c=%d p99", r.opt.MixedC), p99 <= mixedMaxP99 && mixed.Errors() == 0,
		"%s ms with logins vs %s ms without = %.2fx (target <= %.1fx); %d errors", ms(mixed.P99), ms(alone.P99),
		p99, mixedMaxP99, mixed.Errors())
	r.notes = append(r.notes, fmt.Sprintf("server peak RSS with logins (Argon2id m=19 MiB per hash): %s MiB", mib(mixed.PeakRSS)))
	return nil
}

// crash kills the server (the first instance, among several) with SIGKILL
// in the middle of a burst, starts it again on the same database, sends
// the rest of the burst, and checks the database.
func (r *runner) crash(ctx context.Context) error {
	w := newStatusWorkload(r.seed.Crash, r.opt.Burst, true)
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var killedAt atomic.Int64
	go func() {
		defer cancel()
		at := int64(float64(r.opt.Burst) * crashKillShare)
		give := time.Now().Add(2 * time.Minute)
		for w.sent.Load() < at && time.Now().Before(give) && dctx.Err() == nil {
			time.Sleep(time.Millisecond)
		}
		if dctx.Err() != nil {
			return
		}
		r.pgs[0].kill()
		killedAt.Store(w.sent.Load())
		// The requests in flight fail as the process goes; the ones not
		// yet sent stay for after the restart.
	}()
	before := r.once(dctx, "crash", r.pgTarget(), w, r.burstLevel())
	if killedAt.Load() == 0 {
		return fmt.Errorf("the burst ended before the server could be killed")
	}
	r.logf("killed the server (SIGKILL) after %d callbacks answered 2xx; %d answers, %d transport errors before and after",
		killedAt.Load(), before.Requests, before.Transport)

	r.pgRSS.close()
	t0 := time.Now()
	if err := r.startPhonegate(ctx, 0); err != nil {
		return fmt.Errorf("restart after the kill: %w", err)
	}
	r.pgRSS = watchRSS(pids(r.pgs)...)
	r.logf("restarted on the same database, ready in %v", time.Since(t0).Round(time.Millisecond))
	after := r.once(ctx, "crash+", r.pgTarget(), w, r.burstLevel())
	r.check("crash: the rest of the burst after restart", after.Errors() == 0,
		"%d answers, %d errors", after.Requests, after.Errors())
	if err := r.checkStored(ctx, "crash", w); err != nil {
		return err
	}
	return r.checkIntegrity(ctx)
}
