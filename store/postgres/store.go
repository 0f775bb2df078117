// Package postgres keeps phonegate's state in PostgreSQL, for several server instances that
// share one database behind a load balancer. DB implements phonegate.Store with the behaviour
// store/storetest asks of every store, using PostgreSQL's own means for the atomic steps
// (UPDATE … RETURNING, INSERT … ON CONFLICT, row locks in a transaction). Like store/sqlite it
// imports no package of phonegate but the root one and never logs.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/phonegate/phonegate"
)

// Options tune the connection pool.
type Options struct {
	// MaxConns caps the pool; 0 means twice GOMAXPROCS, at least 4.
	MaxConns int32
	// StatementTimeout ends a statement that runs longer; 0 means DefaultStatementTimeout.
	StatementTimeout time.Duration
}

// DefaultStatementTimeout is well under the 15 s Twilio waits for a webhook's answer.
const DefaultStatementTimeout = 10 * time.Second

// IsURL reports whether db names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a SQLite file: the rule by which the
// server chooses its store from PHONEGATE_DB.
func IsURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// DB is the phonegate database on a PostgreSQL server.
type DB struct {
	pool  *pgxpool.Pool
	name  string   // the database, for messages; never the password
	batch *batcher // the group commit of status callbacks
}

// Open connects to the PostgreSQL database dsn names (postgres://… or key=value) and applies
// the migrations it lacks, under an advisory lock so that instances starting at once apply
// each one once.
func Open(ctx context.Context, dsn string, o Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	cfg.MaxConns = o.MaxConns
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = int32(max(4, runtime.GOMAXPROCS(0)*2))
	}
	timeout := o.StatementTimeout
	if timeout <= 0 {
		timeout = DefaultStatementTimeout
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: postgres: %w", err)
	}
	db := &DB{pool: pool, name: "postgres database " + strconv.Quote(cfg.ConnConfig.Database)}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	db.batch = startBatcher(pool, timeout)
	return db, nil
}

// Close applies the status updates still queued and closes the pool.
func (db *DB) Close() error {
	db.batch.stop()
	db.pool.Close()
	return nil
}

// Pool returns the connection pool, for its figures.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that the database can be read and written: it reads the schema and records the
// time of the check.
func (db *DB) Ping(ctx context.Context, now time.Time) error {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('health_checked_at', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(now.UnixNano(), 10)); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// IntegrityCheck reads every table once, so that a damaged page shows as an error; "ok" when
// none does. PostgreSQL checks its own pages as it reads them (and amcheck, for indexes, needs a
// superuser).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	rows, err := db.pool.Query(ctx, `SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	for _, t := range tables {
		var n int64
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return t + ": " + err.Error(), nil
		}
	}
	return "ok", nil
}

// tx runs fn in a read-committed transaction, committing when fn returns nil. The atomic steps
// rest on row locks (UPDATE … WHERE … RETURNING re-reads a row another transaction changed) and
// advisory locks; a transaction PostgreSQL aborts as a deadlock or a serialization failure runs
// again, a few times, so fn must set its results afresh on each run.
func (db *DB) tx(ctx context.Context, fn func(pgx.Tx) error) error {
	for try := 1; ; try++ {
		err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{}, fn)
		if !retryable(err) || try == maxTries {
			return err
		}
	}
}

// maxTries bounds the runs of a transaction PostgreSQL keeps aborting.
const maxTries = 5

// retryable reports whether err aborted a transaction that may simply run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// notFound turns "no row" (noRow) into ErrNotFound, naming what was looked for.
func notFound(err error, what string) error {
	if noRow(err) {
		return fmt.Errorf("store: %s: %w", what, phonegate.ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// isUnique reports whether err is a unique or primary key violation.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// mustAffect turns a statement that changed no row into ErrNotFound.
func mustAffect(tag pgconn.CommandTag, err error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: %s: %w", what, phonegate.ErrNotFound)
	}
	return nil
}

// DB is a phonegate.Store.
var _ phonegate.Store = (*DB)(nil)
