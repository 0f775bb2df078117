package sqlite

import (
	"context"
	"fmt"

	"github.com/phonegate/phonegate"
)

// AddDevMail delivers a message to the dev mailbox.
func (db *DB) AddDevMail(ctx context.Context, m phonegate.DevMail) error {
	if _, err := db.write.ExecContext(ctx, `INSERT INTO dev_mail (to_addr, kind, sealed, created_at) VALUES (?, ?, ?, ?)`,
		m.To, m.Kind, m.Sealed, m.CreatedAt.Unix()); err != nil {
		return fmt.Errorf("store: add dev mail: %w", err)
	}
	return nil
}

// DevMailbox returns the newest limit messages of the dev mailbox, newest
// first.
func (db *DB) DevMailbox(ctx context.Context, limit int) ([]phonegate.DevMail, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, to_addr, kind, sealed, created_at FROM dev_mail
		ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dev mailbox: %w", err)
	}
	defer rows.Close()
	var ms []phonegate.DevMail
	for rows.Next() {
		var m phonegate.DevMail
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
