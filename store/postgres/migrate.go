package postgres

import (
	"context"
	"embed"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/internal/schema"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationLock is the advisory lock key that serializes migrations across instances
// ("phonegat" in ASCII).
const migrationLock int64 = 0x70686f6e65676174

// migration is one embedded migration file.
type migration = schema.Migration

// migrations returns the embedded migrations, oldest first.
func migrations() ([]migration, error) { return schema.Load(migrationFS) }

// SchemaVersion returns the newest migration applied to the database.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.pool.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}

// migrate applies, in order, the embedded migrations the database has not recorded yet. Each
// one runs in its own transaction, which first takes the migration lock and reads the version
// again: an instance that waited for another sees its work and applies nothing twice.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].Version
	for {
		done := false
		err := db.tx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
				version    integer PRIMARY KEY,
				name       text NOT NULL,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`); err != nil {
				return err
			}
			var current int
			if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
				return err
			}
			if current > latest {
				return fmt.Errorf("store: %s has schema version %d but this build knows only up to %d: %w",
					db.name, current, latest, phonegate.ErrTooNew)
			}
			for _, m := range ms {
				if m.Version <= current {
					continue
				}
				if _, err := tx.Exec(ctx, m.SQL); err != nil {
					return fmt.Errorf("store: migration %s: %w", m.Name, err)
				}
				_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if done {
			return nil
		}
	}
}
