package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/postgres"
	"github.com/phonegate/phonegate/store/sqlite"
)

// isPostgres reports whether db names a PostgreSQL database rather than a
// SQLite file, by the rule the server applies to PHONEGATE_DB.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// openStore opens the database the server is given, through the store the
// server would choose for it, so that the seed and every check after a
// scenario read and write what the server reads and writes. Opening
// migrates an empty database.
func openStore(ctx context.Context, db string) (phonegate.Store, error) {
	if isPostgres(db) {
		s, err := postgres.Open(ctx, db, postgres.Options{})
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", storeName(db), err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", storeName(db), err)
	}
	return s, nil
}

// storeName names the kind of store db is, for the report.
func storeName(db string) string {
	if isPostgres(db) {
		return "PostgreSQL"
	}
	return "SQLite"
}
