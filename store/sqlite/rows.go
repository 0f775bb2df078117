package sqlite

import (
	"database/sql"
	"fmt"
)

// scanner is a row to scan: a *sql.Row or the current row of *sql.Rows.
type scanner interface{ Scan(...any) error }

// collect scans every row of rows with scan and closes them; err is the
// query's own error, returned as it is with what names the list.
func collect[T any](what string, rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
