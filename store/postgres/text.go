package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// noRow reports whether err says that no row matched: none did, or the key is text PostgreSQL
// cannot hold (bytes that are not UTF-8, or a NUL), which no row can have. SQLite keeps such
// text as it comes and finds no row for it; a lookup here must answer the same, not fail, for
// the text comes straight from a form, a header or a URL.
func noRow(err error) bool {
	var pe *pgconn.PgError
	return errors.Is(err, pgx.ErrNoRows) || (errors.As(err, &pe) && pe.Code == "22021") // character_not_in_repertoire
}
