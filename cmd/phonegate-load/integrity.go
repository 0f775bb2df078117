package main

import (
	"context"
	"fmt"

	"github.com/phonegate/phonegate/store/sqlite"
)

// checkIntegrity runs SQLite's integrity check on the database the server
// is using.
func (r *runner) checkIntegrity(ctx context.Context) error {
	db, err := sqlite.Open(ctx, r.dbPath)
	if err != nil {
		return fmt.Errorf("integrity: %w", err)
	}
	defer db.Close()
	v, err := db.IntegrityCheck(ctx)
	if err != nil {
		return err
	}
	r.check("crash: PRAGMA integrity_check", v == "ok", "%q", v)
	return nil
}
