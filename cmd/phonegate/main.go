// Command phonegate runs the phonegate server and its administration
// commands: serve (the default), user add, user reset-2fa, site add, site
// list, site remove, apikey create, apikey list, apikey revoke, twilio
// configure and version.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "phonegate:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a mistake in the command line or the environment: the
// program stops with exit status 2 and one clear line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

const usage = `usage:
  phonegate [serve]                                   run the server (dev mode without TWILIO_ACCOUNT_SID)
  phonegate user add --email E --project P [--role R] [--invite]
                                                      add a user; the password is read from standard input,
                                                      or --invite prints a one-time invite link
  phonegate user reset-2fa --email E                  forget a user's phone and emergency code, and print
                                                      the one-time recovery code they need to verify a new one
  phonegate site add --project P --host H             protect the hostname H (app.example.com, or *.example.com
                                                      for one level of subdomains) with project P's login and level;
                                                      P is a project's name, or its ID (12 or #12) when names repeat
  phonegate site list --project P                     print project P's protected sites
  phonegate site remove --project P --host H          stop protecting the hostname H
  phonegate apikey create --project P --name N        make a Verify API key of project P; prints its SID and
                                                      its secret, once
  phonegate apikey list --project P                   print project P's account SID and live API keys
  phonegate apikey revoke SK…                         revoke an API key: apps using it are refused
  phonegate twilio configure [--number +1...]         point a Twilio number's webhooks at PUBLIC_URL
  phonegate version                                   print the version`

// run is the whole program, with its inputs passed in so that tests can
// drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseConfig(getenv)
		if err != nil {
			return err
		}
		cfg.MemoryLimit = setGC(getenv)
		return serve(ctx, cfg, stderr)
	case "user":
		cfg, err := parseConfig(getenv)
		if err != nil {
			return err
		}
		return runUser(ctx, cfg, args, stdin, stdout)
	case "site":
		cfg, err := parseConfig(getenv)
		if err != nil {
			return err
		}
		return runSite(ctx, cfg, args, stdout)
	case "apikey":
		cfg, err := parseConfig(getenv)
		if err != nil {
			return err
		}
		return runAPIKey(ctx, cfg, args, stdout)
	case "twilio":
		if len(args) == 0 || args[0] != "configure" {
			return usagef("unknown twilio command; %s", usage)
		}
		cfg, err := parseConfig(getenv)
		if err != nil {
			return err
		}
		if cfg.DevMode {
			return usagef("twilio configure needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
		}
		pub, err := resolvePublicURL(ctx, cfg, nil)
		if err != nil {
			return err
		}
		return runTwilioConfigure(ctx, args[1:], cfg.Twilio, pub, stdout)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "phonegate", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return usagef("unknown command %q\n%s", cmd, usage)
	}
}

// serverGOGC is the server's garbage-collection target when GOGC is not
// set: a heap of three times the live data instead of Go's two. Under
// webhook load the live heap is a few MiB, so this costs about 8 MiB of
// RSS and saves about a tenth of the CPU a request takes (BENCHMARKS.md).
const serverGOGC = 200

// serverMemoryLimit is the server's soft memory limit when GOMEMLIMIT is
// not set, while no password is being hashed (the Hasher lifts it while
// hashes run and for 10 s after: Hasher.LimitMemory). The limit is what
// keeps the server's RSS under 64 MiB under voice load: the RSS also holds
// the executable's own pages (about 28 MiB on a kernel that maps them in
// large folios) and SQLite's page caches (bounded in store/sqlite), so
// Go's share is about 30 MiB. Under webhook load the live heap is 10 to
// 12 MiB, more than half of it the password-strength dictionaries built
// when the program starts, so the collector runs each time some 15 MiB
// more is allocated; the webhooks allocate about 4 KB a request (they
// parse their forms without ParseForm's maps), so that costs the hot
// routes little (BENCHMARKS.md, "Peak RSS"). An operator who has the
// memory and wants the last few percent sets GOMEMLIMIT=off.
const serverMemoryLimit = 30 << 20

// setGC applies serverGOGC and serverMemoryLimit unless the operator set
// GOGC or GOMEMLIMIT, which the Go runtime has applied already. It returns
// the memory limit it set, 0 when it left GOMEMLIMIT's.
func setGC(getenv func(string) string) int64 {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(serverGOGC)
	}
	if getenv("GOMEMLIMIT") != "" {
		return 0
	}
	debug.SetMemoryLimit(serverMemoryLimit)
	return serverMemoryLimit
}
