package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/phonegate/phonegate"
)

const mailColumns = `id, to_addr, kind, sealed, COALESCE(dedupe, ''), attempts, next_at, sent_at, failed_at,
	last_error, created_at`

func scanMail(row interface{ Scan(...any) error }) (phonegate.Mail, error) {
	var m phonegate.Mail
	var next, sent, failed, created int64
	err := row.Scan(&m.ID, &m.To, &m.Kind, &m.Sealed, &m.Dedupe, &m.Attempts, &next, &sent, &failed,
		&m.LastError, &created)
	m.NextAt, m.SentAt, m.FailedAt, m.CreatedAt = unix(next), unix(sent), unix(failed), unix(created)
	return m, err
}

// QueueMail adds m to the queue, due at once. A message whose Dedupe key
// was queued before is not queued again: queued is false.
func (db *DB) QueueMail(ctx context.Context, m phonegate.Mail, now time.Time) (queued bool, err error) {
	var dedupe any
	if m.Dedupe != "" {
		dedupe = m.Dedupe
	}
	res, err := db.write.ExecContext(ctx, `INSERT INTO mail_queue (to_addr, kind, sealed, dedupe, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING`,
		m.To, m.Kind, m.Sealed, dedupe, now.Unix(), now.Unix())
	if err != nil {
		return false, fmt.Errorf("store: queue mail: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: queue mail: %w", err)
	}
	return n == 1, nil
}

// ClaimMail takes up to limit messages that are due at now, counts an
// attempt for each and moves it lease into the future, so that another
// worker (or this one after a crash) takes it again only once the lease
// ran out without MailSent or MailRetry.
func (db *DB) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]phonegate.Mail, error) {
	var ms []phonegate.Mail
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE mail_queue SET attempts = attempts + 1, next_at = ?
			WHERE id IN (SELECT id FROM mail_queue WHERE sent_at = 0 AND failed_at = 0 AND next_at <= ?
				ORDER BY next_at, id LIMIT ?)
			RETURNING `+mailColumns, now.Add(lease).Unix(), now.Unix(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMail(rows)
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	// RETURNING gives rows in no promised order: put them in the queue's.
	slices.SortFunc(ms, func(a, b phonegate.Mail) int { return cmp.Compare(a.ID, b.ID) })
	return ms, nil
}

// MailSent records that message id went, and wipes its sealed content.
func (db *DB) MailSent(ctx context.Context, id int64, now time.Time) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE mail_queue SET sent_at = ?, sealed = NULL, last_error = ''
		WHERE id = ?`, now.Unix(), id); err != nil {
		return fmt.Errorf("store: mail sent: %w", err)
	}
	return nil
}

// MailRetry records a failed attempt of message id: it is due again at
// retryAt, or, when giveUp, never again (its sealed content is wiped).
func (db *DB) MailRetry(ctx context.Context, id int64, reason string, retryAt time.Time, giveUp bool, now time.Time) error {
	q := `UPDATE mail_queue SET next_at = ?, last_error = ? WHERE id = ?`
	args := []any{retryAt.Unix(), reason, id}
	if giveUp {
		q = `UPDATE mail_queue SET failed_at = ?, sealed = NULL, last_error = ? WHERE id = ?`
		args = []any{now.Unix(), reason, id}
	}
	if _, err := db.write.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("store: mail retry: %w", err)
	}
	return nil
}

// QueuedMail returns the newest limit messages of the queue, sent or not,
// newest first.
func (db *DB) QueuedMail(ctx context.Context, limit int) ([]phonegate.Mail, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_queue ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: queued mail: %w", err)
	}
	defer rows.Close()
	var ms []phonegate.Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, fmt.Errorf("store: queued mail: %w", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: queued mail: %w", err)
	}
	return ms, nil
}

// PruneMail deletes messages sent or given up before before.
func (db *DB) PruneMail(ctx context.Context, before time.Time) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM mail_queue
		WHERE (sent_at > 0 AND sent_at < ?) OR (failed_at > 0 AND failed_at < ?)`, before.Unix(), before.Unix()); err != nil {
		return fmt.Errorf("store: prune mail: %w", err)
	}
	return nil
}
