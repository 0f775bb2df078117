// Package teststore opens the store a test runs on, so that one test can run on either backend.
//
// Which store it is follows the environment:
//
//   - PHONEGATE_TEST_POSTGRES unset: a SQLite file in the test's temporary folder, as a plain
//     go test has always run;
//   - PHONEGATE_TEST_POSTGRES set (a DSN, or start): a fresh, migrated PostgreSQL database of the
//     test's own, from internal/pgtest, dropped at the test's end.
//
// PHONEGATE_POSTGRES_TESTS=required alone does not move a test to PostgreSQL: it only makes the
// PostgreSQL tests mandatory once the variable above asks for them.
//
// A package that uses teststore calls Main from its TestMain, so that a cluster started for its
// tests stops when they end.
package teststore

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/pgtest"
	"github.com/phonegate/phonegate/store/postgres"
	"github.com/phonegate/phonegate/store/sqlite"
)

// Postgres reports whether the tests run on PostgreSQL: PHONEGATE_TEST_POSTGRES is set.
func Postgres() bool { return os.Getenv(pgtest.EnvServer) != "" }

// Name is the store the tests run on, "sqlite" or "postgres", for messages and skip reasons.
func Name() string {
	if Postgres() {
		return "postgres"
	}
	return "sqlite"
}

// Main runs the tests of m and stops the PostgreSQL cluster they started, if any; TestMain
// returns its result to os.Exit.
func Main(m *testing.M) int { return pgtest.Main(m) }

// Open returns a fresh, empty, migrated store for tb, closed at its end.
func Open(tb testing.TB) phonegate.Store {
	tb.Helper()
	ctx := context.Background()
	var s phonegate.Store
	var err error
	if Postgres() {
		s, err = postgres.Open(ctx, pgtest.FromTemplate(tb, "migrated", migrated), postgres.Options{})
	} else {
		s, err = sqlite.Open(ctx, filepath.Join(tb.TempDir(), "phonegate.db"))
	}
	if err != nil {
		tb.Fatalf("teststore: open the %s store: %v", Name(), err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// migrated prepares the template database the tests' databases are copied from: the migrations
// run once per test binary rather than once per test.
func migrated(ctx context.Context, dsn string) error {
	db, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	return db.Close()
}
