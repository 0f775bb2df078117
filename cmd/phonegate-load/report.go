package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"
)

// report prints the run's figures as one table, baseline and phonegate side
// by side with their ratios, then the targets.
func (r *runner) report(took time.Duration) {
	fmt.Fprintf(r.out, "\nphonegate-load: %s, %d CPUs (GOMAXPROCS %d), %s %s/%s; %v per level after %v warm-up; run took %v\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH,
		r.opt.Duration, r.opt.Warmup, took.Round(time.Second))
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tc\tbase req/s\tbase p50\tbase p99\tpg req/s\tpg p50\tpg p99\terrors\t5xx\treq/s ratio\tp99 ratio\tpg rss MiB\tother cpu\t")
	var base *result
	for i := range r.results {
		res := r.results[i]
		if res.Target == "baseline" {
			base = &r.results[i]
			continue
		}
		b := result{}
		if base != nil && base.Scenario == res.Scenario && base.Concurrency == res.Concurrency {
			b = *base
		}
		base = nil
		row := []string{res.Scenario, fmt.Sprint(res.Concurrency)}
		if b.Target != "" {
			row = append(row, fmt.Sprintf("%.0f", b.RPS()), ms(b.P50), ms(b.P99))
		} else {
			row = append(row, "-", "-", "-")
		}
		row = append(row, fmt.Sprintf("%.0f", res.RPS()), ms(res.P50), ms(res.P99),
			fmt.Sprint(res.Errors()), fmt.Sprint(res.Status5xx))
		if b.Target != "" {
			row = append(row, fmt.Sprintf("%.2f", ratio(res.RPS(), b.RPS())), fmt.Sprintf("%.2f", ratio(float64(res.P99), float64(b.P99))))
		} else {
			row = append(row, "-", "-")
		}
		other := res.OtherCPU
		if b.Target != "" {
			other = max(other, b.OtherCPU)
		}
		row = append(row, mib(res.PeakRSS), percent(other))
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	fmt.Fprintln(r.out, "\nlatencies in ms; errors are non-2xx answers plus transport errors; rss is the sampled peak VmRSS of the level;")
	fmt.Fprintln(r.out, "other cpu is the share of the machine other processes used meanwhile (the larger of the pair): above ~10% the figures are disturbed")
	if r.opt.has("mixed") {
		a, m := r.mixedPair[0], r.mixedPair[1]
		ls := r.mixedLogins
		fmt.Fprintf(r.out, "mixed: voice c=%d p99 %s ms alone, %s ms beside %.1f logins/s started (%.2fx); login p50 %s ms, p99 %s ms\n",
			a.Concurrency, ms(a.P99), ms(m.P99), ls.Rate(), ratio(float64(m.P99), float64(a.P99)), ms(ls.P50), ms(ls.P99))
	}
	if r.opt.has("flood") {
		st := r.floodStats
		fmt.Fprintf(r.out, "flood: %d anonymous logins at once, answered %v; the owner's logins %d ok, %d failed, p50 %s ms, max %s ms; other cpu %s\n",
			floodLogins, st.Statuses, st.OwnerOK, st.OwnerFailed, ms(st.OwnerLat.P50), ms(st.OwnerLat.Max), percent(st.OtherCPU))
	}
	fmt.Fprintf(r.out, "baseline peak RSS (VmHWM) %s MiB; Twilio API requests made by the server: %d\n",
		mib(r.baseRSS.hwm()), r.twilio.calls.Load())
	for _, n := range r.notes {
		fmt.Fprintln(r.out, n)
	}
	fmt.Fprintln(r.out)
	pass := 0
	for _, c := range r.checks {
		verdict := "FAIL"
		if c.ok {
			verdict = "PASS"
			pass++
		}
		fmt.Fprintf(r.out, "%s  %-36s %s\n", verdict, c.name, c.detail)
	}
	fmt.Fprintf(r.out, "\n%d of %d targets met\n", pass, len(r.checks))
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "unknown CPU".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// percent formats a share as a percentage, "?" when unknown (NaN).
func percent(f float64) string {
	if math.IsNaN(f) {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}
