package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// tz turns a time into a stored timestamp: UTC, whole seconds as in the SQLite store, and the
// zero time as NULL ("never").
func tz(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: t.UTC().Truncate(time.Second), Valid: true}
}

// at scans a stored timestamp into *t, in UTC, with NULL as the zero time.
type at struct{ t *time.Time }

// ScanTimestamptz makes at a pgx scan target.
func (a *at) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*a.t = time.Time{}
		return nil
	}
	*a.t = v.Time.UTC()
	return nil
}

// ts returns a scan target that stores a timestamp into *t.
func ts(t *time.Time) *at { return &at{t} }
