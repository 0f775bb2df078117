package main

import (
	"context"
	"fmt"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/postgres"
	"github.com/phonegate/phonegate/store/sqlite"
)

// openStore opens the database the server is given, through the store the
// server would choose for it, so that the seed and every check after a
// scenario read and write what the server reads and writes. Opening
// migrates an empty database.
func openStore(ctx context.Context, db string) (phonegate.Store, error) {
	if postgres.IsURL(db) {
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
	if postgres.IsURL(db) {
		return "PostgreSQL"
	}
	return "SQLite"
}
