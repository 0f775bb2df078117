package main

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phonegate/phonegate/store/postgres"
)

// options are the load tool's flags.
type options struct {
	Scenarios   []string
	Concurrency []int
	Warmup      time.Duration
	Duration    time.Duration
	Rounds      int
	Settle      time.Duration
	Burst       int
	BurstC      int
	LoginRate   int
	MixedC      int
	Seed        seedPlan
	Bin         string
	Keep        bool
	Strict      bool
	Serve       time.Duration
	DB          string // "" for a SQLite file in the run's folder, "start", or a PostgreSQL URL
	Instances   int

	BaselineAddr string // internal: run as the baseline server
}

var allScenarios = []string{"voice", "status", "forward", "burst", "mixed", "flood", "verify", "crash"}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("phonegate-load", flag.ContinueOnError)
	scen := fs.String("scenarios", strings.Join(allScenarios, ","), "scenarios to run, comma-separated: "+strings.Join(allScenarios, ", "))
	conc := fs.String("concurrency", "1,16,64", "concurrency levels of the voice, status and forward scenarios")
	fs.DurationVar(&o.Warmup, "warmup", time.Second, "unmeasured driving before each level")
	fs.DurationVar(&o.Duration, "duration", 6*time.Second, "measured time of each level")
	fs.IntVar(&o.Rounds, "rounds", 3, "alternating baseline/phonegate rounds the duration of a level is split into")
	fs.DurationVar(&o.Settle, "settle", 10*time.Second, "before each level, wait up to this long for other processes to leave the CPU mostly idle")
	fs.IntVar(&o.Burst, "burst", 20000, "status callbacks of the burst and crash scenarios")
	fs.IntVar(&o.BurstC, "burst-concurrency", 128, "concurrency of the burst and crash scenarios")
	fs.IntVar(&o.LoginRate, "login-rate", 20, "logins per second in the mixed scenario")
	fs.IntVar(&o.MixedC, "mixed-concurrency", 64, "webhook concurrency in the mixed scenario")
	fs.IntVar(&o.Seed.Voice, "seed-calls", 1000, "call deliveries seeded for the voice scenario")
	fs.IntVar(&o.Seed.Status, "seed-sms", 60000, "SMS deliveries seeded for the status scenario (callbacks beyond about 3x this are replays)")
	fs.StringVar(&o.Bin, "bin", "", "a phonegate binary to run instead of building ./cmd/phonegate")
	fs.BoolVar(&o.Keep, "keep", false, "keep the temporary directory (database, key, server logs)")
	fs.BoolVar(&o.Strict, "strict", false, "exit 1 when a target is missed")
	fs.DurationVar(&o.Serve, "serve", 0, "run no scenario: start the seeded servers, print wrk commands and serve for this long")
	fs.StringVar(&o.DB, "db", "", "the database: empty for a new SQLite file, postgres://… for an empty PostgreSQL database (the server migrates it), or start for a throwaway PostgreSQL cluster made with initdb")
	fs.IntVar(&o.Instances, "instances", 1, "phonegate instances on the one database; above 1 they (and as many baselines) sit behind HAProxy, round robin")
	fs.StringVar(&o.BaselineAddr, "serve-baseline", "", "internal: serve the baseline on this address")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, s := range strings.Split(*scen, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allScenarios, s) {
			return o, fmt.Errorf("-scenarios: unknown scenario %q", s)
		}
		o.Scenarios = append(o.Scenarios, s)
	}
	for _, s := range strings.Split(*conc, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 1024 {
			return o, fmt.Errorf("-concurrency: %q is not a number from 1 to 1024", s)
		}
		o.Concurrency = append(o.Concurrency, n)
	}
	switch {
	case o.Duration <= 0 || o.Duration > 5*time.Minute:
		return o, fmt.Errorf("-duration must be between 0 and 5m")
	case o.Settle < 0 || o.Settle > 10*time.Minute:
		return o, fmt.Errorf("-settle must be between 0 and 10m")
	case o.Rounds < 1 || o.Rounds > 20:
		return o, fmt.Errorf("-rounds must be between 1 and 20")
	case o.Warmup < 0 || o.Warmup > time.Minute:
		return o, fmt.Errorf("-warmup must be between 0 and 1m")
	case o.Burst < 6 || o.Burst > 1_000_000:
		return o, fmt.Errorf("-burst must be between 6 and 1000000")
	case o.BurstC < 1 || o.BurstC > 1024 || o.MixedC < 1 || o.MixedC > 1024:
		return o, fmt.Errorf("concurrencies must be between 1 and 1024")
	case o.Serve < 0 || o.Serve > 24*time.Hour:
		return o, fmt.Errorf("-serve must be between 0 and 24h")
	case o.LoginRate < 1 || o.LoginRate > 1000:
		return o, fmt.Errorf("-login-rate must be between 1 and 1000")
	case o.DB != "" && o.DB != "start" && !postgres.IsURL(o.DB):
		return o, fmt.Errorf("-db must be empty (SQLite), start, or a postgres:// or postgresql:// URL, got %q", o.DB)
	case o.Instances < 1 || o.Instances > 8:
		return o, fmt.Errorf("-instances must be between 1 and 8")
	case o.Instances > 1 && o.DB == "":
		return o, fmt.Errorf("-instances %d needs PostgreSQL: give -db postgres://… or -db start", o.Instances)
	case o.Seed.Voice < 1 || o.Seed.Status < 1 || o.Seed.Voice > 1_000_000 || o.Seed.Status > 1_000_000:
		return o, fmt.Errorf("-seed-calls and -seed-sms must be between 1 and 1000000")
	}
	// Each burst-like scenario gets deliveries of its own, enough that the
	// stream of statuses (statusWorkload) replays none of them.
	o.Seed.Burst = (o.Burst + 1) / 2
	o.Seed.Crash = o.Seed.Burst
	return o, nil
}

func (o options) has(s string) bool { return slices.Contains(o.Scenarios, s) }
