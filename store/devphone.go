package store

import (
	"context"
	"fmt"
	"time"
)

// DevPhoneEntry is one message or call that the dev phone, dev mode's
// stand-in for Twilio, was asked to send.
type DevPhoneEntry struct {
	ID        int64
	Kind      string // ChannelSMS or ChannelCall
	SID       string // the fake message or call SID handed back to the sender
	To        string
	Body      string // what the SMS said, as the dev phone chose to keep it; empty for a call
	URL       string // the call's TwiML URL; empty for an SMS
	Callback  string // the status callback URL
	CreatedAt time.Time
	// Direction is DevPhoneOut for what the server sent to the phone To,
	// DevPhoneIn for a message the phone To sent to the server.
	Direction string
}

// The directions of a dev phone entry.
const (
	DevPhoneOut = "out"
	DevPhoneIn  = "in"
)

const devPhoneColumns = `id, kind, sid, to_number, body, url, callback, created_at, direction`

func scanDevPhone(row interface{ Scan(...any) error }) (DevPhoneEntry, error) {
	var e DevPhoneEntry
	var created int64
	err := row.Scan(&e.ID, &e.Kind, &e.SID, &e.To, &e.Body, &e.URL, &e.Callback, &created, &e.Direction)
	e.CreatedAt = unix(created)
	return e, err
}

// AddDevPhone records a message or call sent through the dev phone, or a
// message the dev phone sent to the server (Direction DevPhoneIn; an empty
// Direction is DevPhoneOut), and returns it with its ID.
func (db *DB) AddDevPhone(ctx context.Context, e DevPhoneEntry) (DevPhoneEntry, error) {
	if e.Direction == "" {
		e.Direction = DevPhoneOut
	}
	got, err := scanDevPhone(db.write.QueryRowContext(ctx, `INSERT INTO dev_phone
		(kind, sid, to_number, body, url, callback, created_at, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING `+devPhoneColumns, e.Kind, e.SID, e.To, e.Body, e.URL, e.Callback, e.CreatedAt.Unix(), e.Direction))
	if isUnique(err) {
		return DevPhoneEntry{}, fmt.Errorf("store: add dev phone %s: %w", e.SID, ErrConflict)
	}
	if err != nil {
		return DevPhoneEntry{}, fmt.Errorf("store: add dev phone: %w", err)
	}
	return got, nil
}

// DevPhoneEntry returns one dev phone entry by ID.
func (db *DB) DevPhoneEntry(ctx context.Context, id int64) (DevPhoneEntry, error) {
	e, err := scanDevPhone(db.read.QueryRowContext(ctx, `SELECT `+devPhoneColumns+` FROM dev_phone WHERE id = ?`, id))
	if err != nil {
		return DevPhoneEntry{}, notFound(err, "dev phone entry")
	}
	return e, nil
}

// DevPhoneEntries returns the newest limit dev phone entries, newest first.
func (db *DB) DevPhoneEntries(ctx context.Context, limit int) ([]DevPhoneEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+devPhoneColumns+` FROM dev_phone
		ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dev phone: %w", err)
	}
	defer rows.Close()
	var es []DevPhoneEntry
	for rows.Next() {
		e, err := scanDevPhone(rows)
		if err != nil {
			return nil, fmt.Errorf("store: dev phone: %w", err)
		}
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dev phone: %w", err)
	}
	return es, nil
}
