package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate/internal/pgtest"
	"github.com/phonegate/phonegate/store/postgres"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestPostgresConfig(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    postgres.Options
		key     string
		usage   bool
		isPG    bool
		logName string
	}{
		{name: "sqlite file", env: map[string]string{"PHONEGATE_DB": "/var/lib/phonegate/pg.db"},
			key: "/var/lib/phonegate/phonegate.key", logName: "/var/lib/phonegate/pg.db"},
		{name: "postgres defaults", env: map[string]string{"PHONEGATE_DB": "postgres://gate:s3cret@db.internal/phonegate"},
			key: "phonegate.key", isPG: true, logName: "postgres://gate:xxxxx@db.internal/phonegate"},
		{name: "postgresql with pool settings", env: map[string]string{"PHONEGATE_DB": "postgresql://db/phonegate",
			"PHONEGATE_DB_MAX_CONNS": "20", "PHONEGATE_DB_STATEMENT_TIMEOUT": "3s", "PHONEGATE_SECRET_FILE": "/etc/pg.key"},
			want: postgres.Options{MaxConns: 20, StatementTimeout: 3 * time.Second}, key: "/etc/pg.key", isPG: true,
			logName: "postgresql://db/phonegate"},
		{name: "bad pool size", env: map[string]string{"PHONEGATE_DB": "postgres://db/p", "PHONEGATE_DB_MAX_CONNS": "many"}, usage: true},
		{name: "zero pool size", env: map[string]string{"PHONEGATE_DB": "postgres://db/p", "PHONEGATE_DB_MAX_CONNS": "0"}, usage: true},
		{name: "bad timeout", env: map[string]string{"PHONEGATE_DB": "postgres://db/p", "PHONEGATE_DB_STATEMENT_TIMEOUT": "10"}, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(env(tt.env))
			if tt.usage {
				if _, ok := err.(usageError); !ok {
					t.Fatalf("err = %v, want a usageError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Postgres != tt.want {
				t.Errorf("options = %+v, want %+v", c.Postgres, tt.want)
			}
			if c.SecretFile != tt.key {
				t.Errorf("secret file = %q, want %q", c.SecretFile, tt.key)
			}
			if got := postgres.IsURL(c.DB); got != tt.isPG {
				t.Errorf("postgres.IsURL(%q) = %v, want %v", c.DB, got, tt.isPG)
			}
			if got := dbLabel(c.DB); got != tt.logName {
				t.Errorf("dbLabel = %q, want %q", got, tt.logName)
			}
		})
	}
}

// TestServePostgres starts the real server on an empty PostgreSQL database, which it migrates,
// and checks that it answers and asks for setup.
func TestServePostgres(t *testing.T) {
	dsn := pgtest.Database(t)
	e := env(map[string]string{
		"PHONEGATE_DB":          dsn,
		"PHONEGATE_SECRET_FILE": filepath.Join(t.TempDir(), "phonegate.key"),
		"PHONEGATE_ADDR":        "127.0.0.1:0",
		"PHONEGATE_NGROK_API":   "http://127.0.0.1:1/api/tunnels",
	})
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, e, nil, io.Discard, &logs) }()
	addrRE := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), "/setup?token="); {
		if time.Now().After(deadline) {
			t.Fatalf("no setup link in the log:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	m := addrRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("the server did not log its address:\n%s", logs.String())
	}
	res, err := http.Get("http://" + m[1] + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v", err)
	}
}
