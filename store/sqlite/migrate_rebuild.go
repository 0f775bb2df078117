package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// foreignKeysOff is the first line of a migration that rebuilds a table
// other tables point at. SQLite's way to change a column's constraints is
// to copy the table and drop the old one; with foreign keys on, the drop
// would delete the rows that point at it (ON DELETE CASCADE).
const foreignKeysOff = "-- phonegate: foreign keys off"

// applyMigration runs m and records it, in one transaction. A migration
// that starts with foreignKeysOff runs with foreign keys off on the write
// connection (the pragma is a no-op inside a transaction) and must leave
// every reference whole: PRAGMA foreign_key_check is asked before commit.
func (db *DB) applyMigration(ctx context.Context, m migration) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rebuild := strings.HasPrefix(m.SQL, foreignKeysOff)
	if rebuild {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	err = func() error {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return err
		}
		if rebuild {
			if err := checkForeignKeys(ctx, tx); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, time.Now().Unix())
		return err
	}()
	if err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

// checkForeignKeys fails when a row points at a row that is not there.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s points at a missing row of %s", table, parent)
	}
	return rows.Err()
}
