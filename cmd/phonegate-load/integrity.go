package main

import (
	"context"
	"fmt"
)

// checkIntegrity runs the store's integrity check (SQLite's PRAGMA
// integrity_check; on PostgreSQL a read of every table) on the database
// the server is using.
func (r *runner) checkIntegrity(ctx context.Context) error {
	db, err := openStore(ctx, r.db)
	if err != nil {
		return fmt.Errorf("integrity: %w", err)
	}
	defer db.Close()
	v, err := db.IntegrityCheck(ctx)
	if err != nil {
		return err
	}
	r.check("crash: "+storeName(r.db)+" integrity check", v == "ok", "%q", v)
	return nil
}
