// Package sqlite keeps phonegate's state in SQLite: users, projects,
// sessions, challenges, deliveries, counters and the audit log. Everything
// that must hold across several server processes lives here, never only in
// process memory. DB implements phonegate.Store; the package imports no
// package of phonegate but the root one, for its records and sentinel
// errors, and never logs.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/internal/schema"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is the phonegate database. Writes go through a single connection so
// that SQLite never answers "database is locked" under load; reads use a
// pool of their own and see the last committed state (WAL).
type DB struct {
	write     *sql.DB
	read      *sql.DB
	path      string
	hot       *hotPath      // the webhooks' prepared statements and caches
	authz     *sql.Stmt     // the forward-auth check's one read (authz.go)
	ver       *sql.DB       // one connection that asks the data version (authz_cache.go)
	authzSeen *authzCache   // the forward-auth checks' answers since the last commit
	batch     *batcher      // group commit on write
	ckpt      *checkpointer // WAL checkpoints beside the writer
}

// Open opens (creating if needed) the SQLite database at path and applies
// the migrations it lacks.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	// The database holds hashes and sealed codes: create it readable by its
	// owner only. SQLite gives its -wal and -shm files the same mode.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	q := url.Values{}
	q.Set("_foreign_keys", "on")
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	dsn := "file:" + path + "?" + q.Encode()

	w, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	// Readers get no journal or locking pragmas: WAL is a property of the
	// file, set by the writer, and query_only keeps a bug from writing
	// outside the single write connection.
	r, err := sql.Open(driverName, "file:"+path+"?_foreign_keys=on&_busy_timeout=5000&_query_only=1"+cacheParam(readerCacheKiB))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	ckpt, err := sql.Open(driverName, "file:"+path+"?_busy_timeout=5000"+cacheParam(checkpointCacheKiB))
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	ckpt.SetMaxOpenConns(1)
	ckpt.SetConnMaxIdleTime(0)
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)

	db := &DB{write: w, read: r, path: path}
	if err := db.migrate(ctx); err != nil {
		return nil, errors.Join(err, ckpt.Close(), r.Close(), w.Close())
	}
	if db.hot, err = newHotPath(ctx, w, r); err != nil {
		return nil, errors.Join(err, ckpt.Close(), r.Close(), w.Close())
	}
	if db.authz, err = r.PrepareContext(ctx, authzSQL); err != nil {
		return nil, errors.Join(fmt.Errorf("store: prepare: %w", err), db.hot.close(), ckpt.Close(), r.Close(), w.Close())
	}
	// The data version is the count of one connection: it must always be
	// read on the same one, which never writes, so that every commit moves it.
	if db.ver, err = sql.Open(driverName, "file:"+path+"?_busy_timeout=5000&_query_only=1"+cacheParam(versionCacheKiB)); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s: %w", path, err), db.authz.Close(), db.hot.close(), ckpt.Close(), r.Close(), w.Close())
	}
	db.ver.SetMaxOpenConns(1)
	db.ver.SetMaxIdleConns(1)
	db.ver.SetConnMaxIdleTime(0)
	if db.authzSeen, err = newAuthzCache(ctx, db.ver); err != nil {
		return nil, errors.Join(err, db.ver.Close(), db.authz.Close(), db.hot.close(), ckpt.Close(), r.Close(), w.Close())
	}
	db.batch = startBatcher(w)
	db.ckpt = startCheckpointer(ckpt, checkpointEvery)
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.batch.stop()
	return errors.Join(db.ckpt.stop(), db.hot.close(), db.authzSeen.close(), db.ver.Close(), db.authz.Close(),
		db.read.Close(), db.write.Close())
}

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Ping checks that the database can be read and written: it reads the
// schema and records the time of the check. A plain SELECT 1 would answer
// from memory while the disk is full or the file is gone.
func (db *DB) Ping(ctx context.Context, now time.Time) error {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('health_checked_at', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(now.UnixNano(), 10)); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// migration is one embedded migration file.
type migration = schema.Migration

// migrations returns the embedded migrations, oldest first.
func migrations() ([]migration, error) { return schema.Load(migrationFS) }

// SchemaVersion returns the newest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// migrate applies, in order and each in its own transaction, the embedded
// migrations that the database has not recorded yet.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	var current int
	if err := db.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	latest := ms[len(ms)-1].Version
	if current > latest {
		return fmt.Errorf("store: %s has schema version %d but this build knows only up to %d: %w",
			db.path, current, latest, phonegate.ErrTooNew)
	}
	for _, m := range ms {
		if m.Version <= current {
			continue
		}
		if err := db.applyMigration(ctx, m); err != nil {
			return fmt.Errorf("store: migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction, committing when fn returns nil.
func (db *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var s string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&s); err != nil {
		return "", fmt.Errorf("store: integrity check: %w", err)
	}
	return s, nil
}

// notFound turns sql.ErrNoRows into ErrNotFound, naming what was looked for.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, phonegate.ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// DB is a phonegate.Store.
var _ phonegate.Store = (*DB)(nil)
