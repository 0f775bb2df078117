package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestDatabaseIsFreshAndOwn(t *testing.T) {
	ctx := context.Background()
	a := pgtest.FromTemplate(t, "one", func(ctx context.Context, dsn string) error {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, `CREATE TABLE things (n int); INSERT INTO things VALUES (1)`)
		return err
	})
	b := pgtest.FromTemplate(t, "one", nil)
	if a == b {
		t.Fatalf("two tests got the same database %s", a)
	}
	for _, dsn := range []string{a, b} {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, `INSERT INTO things VALUES (2)`); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM things`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if got, want := n, 2; got != want {
			t.Errorf("rows in %s = %d, want %d (the template's and this test's own)", dsn, got, want)
		}
		c.Close(ctx)
	}
}

func TestEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var n int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("tables in a new database = %d, want 0", n)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postgres:///postgres?host=%2Ftmp%2Fx", "postgres:///db2?host=%2Ftmp%2Fx"},
		{"postgresql://u:p@h:5433/a?sslmode=disable", "postgresql://u:p@h:5433/db2?sslmode=disable"},
		{"host=/tmp user=u dbname=a", "host=/tmp user=u dbname=a dbname=db2"},
	} {
		if got := pgtest.WithDatabase(tt.in, "db2"); got != tt.want {
			t.Errorf("WithDatabase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
