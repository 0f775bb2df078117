package teststore

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/postgres"
	"github.com/phonegate/phonegate/store/sqlite"
)

// Dump returns every row of every table of the store as text, so that a test can tell that a
// request changed nothing at all. Byte columns are quoted as strings, so that a secret stored as
// readable bytes shows in the dump as it would in the files.
func Dump(tb testing.TB, s phonegate.Store) string {
	tb.Helper()
	switch db := s.(type) {
	case *sqlite.DB:
		return dumpSQLite(tb, db)
	case *postgres.DB:
		return dumpPostgres(tb, db)
	}
	tb.Fatalf("teststore: cannot dump a %T", s)
	return ""
}

// AtRest returns what the store keeps where an intruder could read it, for a test that no
// secret is stored readable: SQLite's database file and its write-ahead log, byte for byte
// (free pages included), or PostgreSQL's rows as Dump gives them (its files are the server's).
func AtRest(tb testing.TB, s phonegate.Store) []byte {
	tb.Helper()
	db, ok := s.(*sqlite.DB)
	if !ok {
		return []byte(Dump(tb, s))
	}
	var raw []byte
	for _, f := range []string{db.Path(), db.Path() + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			tb.Fatal(err)
		}
		raw = append(raw, b...)
	}
	return raw
}

func dumpSQLite(tb testing.TB, db *sqlite.DB) string {
	tb.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db.Path()+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	tables := sqlStrings(tb, conn, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	var sb strings.Builder
	for _, table := range tables {
		rows, err := conn.Query(`SELECT * FROM "` + table + `" ORDER BY rowid`)
		if err != nil {
			rows, err = conn.Query(`SELECT * FROM "` + table + `"`)
			if err != nil {
				tb.Fatal(err)
			}
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&sb, "%s %s\n", table, formatRow(vals))
		}
		rows.Close()
	}
	return sb.String()
}

func sqlStrings(tb testing.TB, conn *sql.DB, query string) []string {
	tb.Helper()
	rows, err := conn.Query(query)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// dumpPostgres dumps the tables of the store's schema; a table's rows have no order of their
// own there, so they are sorted by their text.
func dumpPostgres(tb testing.TB, db *postgres.DB) string {
	tb.Helper()
	ctx := context.Background()
	pool := db.Pool()
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	var sb strings.Builder
	for _, table := range tables {
		rows, err := pool.Query(ctx, `SELECT * FROM "`+table+`"`)
		if err != nil {
			tb.Fatal(err)
		}
		var lines []string
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				tb.Fatal(err)
			}
			lines = append(lines, table+" "+formatRow(vals))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		slices.Sort(lines)
		for _, l := range lines {
			sb.WriteString(l + "\n")
		}
	}
	return sb.String()
}

// formatRow writes a row's values, byte columns as quoted strings.
func formatRow(vals []any) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if b, ok := v.([]byte); ok {
			parts[i] = fmt.Sprintf("%q", b)
			continue
		}
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
