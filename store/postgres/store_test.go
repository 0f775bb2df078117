package postgres_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/pgtest"
	"github.com/phonegate/phonegate/store/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// migrated prepares a template database with every migration applied.
func migrated(ctx context.Context, dsn string) error {
	db, err := postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2})
	if err != nil {
		return err
	}
	return db.Close()
}

// open returns the store on a fresh, migrated database of t's own.
func open(t testing.TB) *postgres.DB {
	t.Helper()
	dsn := pgtest.FromTemplate(t, "migrated", migrated)
	db, err := postgres.Open(context.Background(), dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openTwo returns two stores on one fresh, migrated database, as two
// instances of the server see it, and the database's DSN.
func openTwo(t testing.TB) ([2]*postgres.DB, string) {
	t.Helper()
	dsn := pgtest.FromTemplate(t, "migrated", migrated)
	var dbs [2]*postgres.DB
	for i := range dbs {
		db, err := postgres.Open(context.Background(), dsn, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs, dsn
}

func TestMigrationsOnceWhenStartedTogether(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Database(t)
	const n = 4
	dbs := make([]*postgres.DB, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dbs[i], errs[i] = postgres.Open(ctx, dsn, postgres.Options{MaxConns: 2}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer dbs[i].Close()
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var rows, versions int
	if err := c.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM schema_migrations`).Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	if rows != versions || rows == 0 {
		t.Errorf("schema_migrations holds %d rows of %d versions, want each version once", rows, versions)
	}
	v, err := dbs[0].SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Errorf("schema version = %d, %v", v, err)
	}
}

func TestMigrationsKeepDataAndRefuseNewer(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Database(t)
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := db.SchemaVersion(ctx)
	if err := db.SetSetting(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v2, _ := db.SchemaVersion(ctx); v2 != v1 {
		t.Errorf("schema version moved from %d to %d on a second start", v1, v2)
	}
	if got, err := db.Setting(ctx, "k"); got != "v" || err != nil {
		t.Errorf("setting after restart = %q, %v, want v", got, err)
	}
	if got, err := db.IntegrityCheck(ctx); got != "ok" || err != nil {
		t.Errorf("integrity check = %q, %v", got, err)
	}
	db.Close()

	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'future')`, v1+1); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	_, err = postgres.Open(ctx, dsn, postgres.Options{})
	if !errors.Is(err, phonegate.ErrTooNew) {
		t.Fatalf("opening a newer database: err = %v, want ErrTooNew", err)
	}
}
