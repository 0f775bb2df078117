package store

import (
	"context"
	"fmt"
	"time"
)

// DevMail is one message delivered to the dev mailbox, dev mode's stand-in
// for an SMTP server.
type DevMail struct {
	ID        int64
	To        string
	Kind      string
	Sealed    []byte // the subject and bodies, sealed by the caller
	CreatedAt time.Time
}

// AddDevMail delivers a message to the dev mailbox.
func (db *DB) AddDevMail(ctx context.Context, m DevMail) error {
	if _, err := db.write.ExecContext(ctx, `INSERT INTO dev_mail (to_addr, kind, sealed, created_at) VALUES (?, ?, ?, ?)`,
		m.To, m.Kind, m.Sealed, m.CreatedAt.Unix()); err != nil {
		return fmt.Errorf("store: add dev mail: %w", err)
	}
	return nil
}

// DevMailbox returns the newest limit messages of the dev mailbox, newest
// first.
func (db *DB) DevMailbox(ctx context.Context, limit int) ([]DevMail, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, to_addr, kind, sealed, created_at FROM dev_mail
		ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dev mailbox: %w", err)
	}
	defer rows.Close()
	var ms []DevMail
	for rows.Next() {
		var m DevMail
		var created int64
		if err := rows.Scan(&m.ID, &m.To, &m.Kind, &m.Sealed, &created); err != nil {
			return nil, fmt.Errorf("store: dev mailbox: %w", err)
		}
		m.CreatedAt = unix(created)
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: dev mailbox: %w", err)
	}
	return ms, nil
}
