package main

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/postgres"
	"github.com/phonegate/phonegate/store/sqlite"
)

// parsePostgresConfig reads the pool settings of a PostgreSQL store. The server key has no
// folder of the database to sit beside: it defaults to phonegate.key in the working directory,
// and every instance must be given the same one (PHONEGATE_SECRET_FILE).
func parsePostgresConfig(c *config, getenv func(string) string) error {
	if getenv("PHONEGATE_SECRET_FILE") == "" {
		c.SecretFile = "phonegate.key"
	}
	if v := getenv("PHONEGATE_DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return usagef("PHONEGATE_DB_MAX_CONNS must be a number of connections from 1 to 10000, got %q", v)
		}
		c.Postgres.MaxConns = int32(n)
	}
	if v := getenv("PHONEGATE_DB_STATEMENT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Millisecond {
			return usagef("PHONEGATE_DB_STATEMENT_TIMEOUT must be a duration such as 10s, got %q", v)
		}
		c.Postgres.StatementTimeout = d
	}
	return nil
}

// openDB opens the store PHONEGATE_DB names: a postgres:// or postgresql:// URL is a PostgreSQL
// database (store/postgres), anything else a SQLite file (store/sqlite). Nothing past this
// function knows which one it has.
func openDB(ctx context.Context, cfg config) (phonegate.Store, error) {
	if postgres.IsURL(cfg.DB) {
		return postgres.Open(ctx, cfg.DB, cfg.Postgres)
	}
	return sqlite.Open(ctx, cfg.DB)
}

// dbLabel names the store for the log, without the password a PostgreSQL URL may carry.
func dbLabel(db string) string {
	if !postgres.IsURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres"
	}
	return u.Redacted()
}
