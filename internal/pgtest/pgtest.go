// Package pgtest gives tests a fresh PostgreSQL database each.
//
// Which server the databases live on is chosen by the environment:
//
//   - PHONEGATE_TEST_POSTGRES=postgres://user@host/db (or any DSN pgx reads): that server, whose
//     role may create databases; each test gets a database of its own there, dropped at its end.
//   - PHONEGATE_TEST_POSTGRES=start: a throwaway cluster made with Debian's binaries
//     (/usr/lib/postgresql/*/bin: initdb into a temporary folder, the server on a unix socket in
//     that folder, no TCP port), one per test binary, stopped by Main. initdb refuses to run as
//     root: as root it runs as the postgres user, who owns the folder. The server is a child of
//     the test binary and dies with it, even when the binary panics or times out.
//   - unset: the PostgreSQL tests are skipped, so that a plain go test needs no database.
//
// PHONEGATE_POSTGRES_TESTS=required (set by CI) makes an unset PHONEGATE_TEST_POSTGRES mean
// start, and a missing server or missing binaries a failure instead of a skip.
//
// A package that uses pgtest calls Main from its TestMain, so that the cluster it started stops
// when its tests end.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The environment variables that choose and require the server.
const (
	EnvServer   = "PHONEGATE_TEST_POSTGRES"
	EnvRequired = "PHONEGATE_POSTGRES_TESTS"
)

var (
	once     sync.Once
	server   string // the DSN of the server's maintenance database
	serverOK error  // why there is no server, when there is none
	stop     func() // stops the cluster this binary started; nil for a given server
	skip     bool   // serverOK is a reason to skip, not to fail

	created atomic.Int64 // names databases uniquely within the binary

	templatesMu sync.Mutex
	templates   = map[string]string{} // key → template database name
	createMu    sync.Mutex            // CREATE DATABASE … TEMPLATE takes one copy at a time
)

// Main runs the tests of m and then stops the cluster they started, if any; TestMain returns
// its result to os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	if stop != nil {
		dropTemplates()
		stop()
	}
	return code
}

// required reports whether CI demands the PostgreSQL tests.
func required() bool { return os.Getenv(EnvRequired) == "required" }

// Server returns the DSN of the maintenance database of the test server, starting one if the
// environment asks for it; it skips or fails t when there is none.
func Server(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		v := os.Getenv(EnvServer)
		switch {
		case v == "" && !required():
			skip = true
			serverOK = fmt.Errorf("PostgreSQL tests off: set %s to a DSN, or to start for a throwaway cluster", EnvServer)
		case v == "" || v == "start":
			server, stop, serverOK = startCluster()
			var nb *noBinariesError
			skip = errors.As(serverOK, &nb) && !required()
		default:
			server = v
		}
	})
	if serverOK != nil {
		if skip {
			t.Skip(serverOK)
		}
		t.Fatalf("%v (%s=%s)", serverOK, EnvRequired, os.Getenv(EnvRequired))
	}
	return server
}

// Database creates an empty database for t, dropped at its end, and returns its DSN.
func Database(t testing.TB) string {
	t.Helper()
	return FromTemplate(t, "", nil)
}

// FromTemplate creates a database for t as a copy of the template named key, and returns its
// DSN; the database is dropped at t's end. The first call of a key creates the template and
// runs prepare on its DSN (migrations, say), which must leave no connection to it open: a copy
// is fast where running the migrations for each test is not. An empty key copies an empty
// database.
func FromTemplate(t testing.TB, key string, prepare func(ctx context.Context, dsn string) error) string {
	t.Helper()
	admin := Server(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tpl := "template0"
	if key != "" {
		var err error
		if tpl, err = template(ctx, admin, key, prepare); err != nil {
			t.Fatalf("pgtest: template %s: %v", key, err)
		}
	}
	name := fmt.Sprintf("pgtest_%d_%d", os.Getpid(), created.Add(1))
	if err := createDatabase(ctx, admin, name, tpl); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := execSQL(ctx, admin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return WithDatabase(admin, name)
}

// template returns the template database of key, creating and preparing it on first use.
func template(ctx context.Context, admin, key string, prepare func(context.Context, string) error) (string, error) {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	if name, ok := templates[key]; ok {
		return name, nil
	}
	name := fmt.Sprintf("pgtest_%d_tpl_%s", os.Getpid(), key)
	if err := createDatabase(ctx, admin, name, "template0"); err != nil {
		return "", err
	}
	if prepare != nil {
		if err := prepare(ctx, WithDatabase(admin, name)); err != nil {
			return "", errors.Join(err, execSQL(ctx, admin, `DROP DATABASE `+name+` WITH (FORCE)`))
		}
	}
	templates[key] = name
	return name, nil
}

// dropTemplates drops the templates this binary made on a server it was given.
func dropTemplates() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	templatesMu.Lock()
	defer templatesMu.Unlock()
	for _, name := range templates {
		_ = execSQL(ctx, server, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	}
}

// createDatabase creates database name as a copy of tpl. PostgreSQL refuses a copy while
// another session uses the template, another copy included: the copies of this binary take
// turns, and a copy that meets another binary's retries.
func createDatabase(ctx context.Context, admin, name, tpl string) error {
	createMu.Lock()
	defer createMu.Unlock()
	for {
		err := execSQL(ctx, admin, `CREATE DATABASE `+name+` TEMPLATE `+tpl)
		if err == nil || !strings.Contains(err.Error(), "is being accessed by other users") {
			if err != nil {
				return fmt.Errorf("create database %s: %w", name, err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create database %s: %w", name, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// execSQL runs one statement on the database dsn names, on a connection of its own.
func execSQL(ctx context.Context, dsn, sql string) error {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	_, err = c.Exec(ctx, sql)
	return err
}

// WithDatabase returns dsn, a URL or keyword/value DSN, with its database replaced by name.
func WithDatabase(dsn, name string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		u.RawPath = ""
		return u.String()
	}
	return dsn + " dbname=" + name // a later keyword wins
}
