// Command phonegate-load measures phonegate's webhooks under load against
// a baseline, in one run on one machine.
//
// It builds the real server, seeds a fresh database with challenges and
// deliveries through the store package, starts the server as a child
// process in Twilio mode (so that every webhook's signature is checked),
// and drives signed webhook requests over loopback at several
// concurrencies. In the same run it drives a bare net/http server that
// answers a fixed TwiML document, and prints phonegate's figures as ratios
// of the baseline's, since absolute numbers drift from machine to machine.
// Scenarios:
//
//	voice   POST /twilio/voice?d=... for random seeded calls
//	status  POST /twilio/sms/status?d=... through queued, sent, delivered;
//	        afterwards every status answered 2xx must be stored exactly once
//	forward GET /auth/forward as Caddy's forward_auth asks it, with the
//	        session cookie of a member whose session satisfies the level
//	burst   20,000 status callbacks at concurrency 128, all stored once
//	mixed   the voice load, alone and then beside 20 logins a second
//	crash   a burst, kill -9 of the server half-way, restart, and a check
//	        that every 2xx is in the database, which passes its integrity check
//
// Usage, from the repository:
//
//	go run ./cmd/phonegate-load [-scenarios voice,status,forward,burst,mixed,crash] [-duration 5s] [-strict]
//
// With -db postgres://… the servers run on that empty PostgreSQL database,
// with -db start on a throwaway cluster made with initdb; -instances N
// starts N servers (and N baselines) on it with HAProxy in front.
//
// All traffic stays on 127.0.0.1. With -strict it exits 1 when a target is
// missed; it exits 2 when it cannot run. With -serve 10m it runs no
// scenario: it leaves the seeded servers up and prints wrk commands with
// signed requests, for measuring them side by side with another tool.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	switch {
	case errors.Is(err, errTargetsMissed):
		fmt.Fprintln(os.Stderr, "phonegate-load:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "phonegate-load:", err)
		os.Exit(2)
	}
}

// errTargetsMissed is returned under -strict when a target failed.
var errTargetsMissed = errors.New("targets missed")

func run(ctx context.Context, args []string) error {
	opt, err := parseFlags(args)
	if err != nil {
		return err
	}
	if opt.BaselineAddr != "" {
		return serveBaseline(opt.BaselineAddr)
	}
	r := &runner{opt: opt, out: os.Stdout}
	return r.run(ctx)
}
