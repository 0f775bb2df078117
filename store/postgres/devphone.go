package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const devPhoneColumns = `id, kind, sid, to_number, body, url, callback, created_at, direction`

func scanDevPhone(row pgx.Row) (phonegate.DevPhoneEntry, error) {
	var e phonegate.DevPhoneEntry
	err := row.Scan(&e.ID, &e.Kind, &e.SID, &e.To, &e.Body, &e.URL, &e.Callback, ts(&e.CreatedAt), &e.Direction)
	return e, err
}

// AddDevPhone records a message or call sent through the dev phone, or a message the dev phone
// sent to the server (Direction DevPhoneIn; an empty Direction is DevPhoneOut), and returns it
// with its ID.
func (db *DB) AddDevPhone(ctx context.Context, e phonegate.DevPhoneEntry) (phonegate.DevPhoneEntry, error) {
	if e.Direction == "" {
		e.Direction = phonegate.DevPhoneOut
	}
	got, err := scanDevPhone(db.pool.QueryRow(ctx, `INSERT INTO dev_phone
		(kind, sid, to_number, body, url, callback, created_at, direction) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING `+devPhoneColumns, e.Kind, e.SID, e.To, e.Body, e.URL, e.Callback, tz(e.CreatedAt), e.Direction))
	if isUnique(err) {
		return phonegate.DevPhoneEntry{}, fmt.Errorf("store: add dev phone %s: %w", e.SID, phonegate.ErrConflict)
	}
	if err != nil {
		return phonegate.DevPhoneEntry{}, fmt.Errorf("store: add dev phone: %w", err)
	}
	return got, nil
}

// DevPhoneEntry returns one dev phone entry by ID.
func (db *DB) DevPhoneEntry(ctx context.Context, id int64) (phonegate.DevPhoneEntry, error) {
	e, err := scanDevPhone(db.pool.QueryRow(ctx, `SELECT `+devPhoneColumns+` FROM dev_phone WHERE id = $1`, id))
	if err != nil {
		return phonegate.DevPhoneEntry{}, notFound(err, "dev phone entry")
	}
	return e, nil
}

// DevPhoneEntries returns the newest limit dev phone entries, newest first.
func (db *DB) DevPhoneEntries(ctx context.Context, limit int) ([]phonegate.DevPhoneEntry, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+devPhoneColumns+` FROM dev_phone ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dev phone: %w", err)
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.DevPhoneEntry, error) { return scanDevPhone(row) })
	if err != nil {
		return nil, fmt.Errorf("store: dev phone: %w", err)
	}
	return es, nil
}
