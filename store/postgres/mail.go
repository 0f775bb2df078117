package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const mailColumns = `id, to_addr, kind, sealed, COALESCE(dedupe, ''), attempts, next_at, sent_at, failed_at,
	last_error, created_at`

func scanMail(row pgx.Row) (phonegate.Mail, error) {
	var m phonegate.Mail
	err := row.Scan(&m.ID, &m.To, &m.Kind, &m.Sealed, &m.Dedupe, &m.Attempts, ts(&m.NextAt), ts(&m.SentAt),
		ts(&m.FailedAt), &m.LastError, ts(&m.CreatedAt))
	return m, err
}

// QueueMail adds m to the queue, due at once. A message whose Dedupe key was queued before is
// not queued again: queued is false.
func (db *DB) QueueMail(ctx context.Context, m phonegate.Mail, now time.Time) (queued bool, err error) {
	var dedupe *string
	if m.Dedupe != "" {
		dedupe = &m.Dedupe
	}
	tag, err := db.pool.Exec(ctx, `INSERT INTO mail_queue (to_addr, kind, sealed, dedupe, next_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (dedupe) DO NOTHING`,
		m.To, m.Kind, m.Sealed, dedupe, tz(now))
	if err != nil {
		return false, fmt.Errorf("store: queue mail: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ClaimMail takes up to limit messages that are due at now, counts an attempt for each and
// moves it lease into the future, so that another worker (or this one after a crash) takes it
// again only once the lease ran out without MailSent or MailRetry. Workers of several
// instances skip the rows another is claiming (FOR UPDATE SKIP LOCKED) rather than wait.
func (db *DB) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]phonegate.Mail, error) {
	// RETURNING gives rows in no promised order: the outer query puts them in the queue's.
	rows, err := db.pool.Query(ctx, `WITH claimed AS (UPDATE mail_queue SET attempts = attempts + 1, next_at = $1
		WHERE id IN (SELECT id FROM mail_queue WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= $2
			ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING *)
		SELECT `+mailColumns+` FROM claimed ORDER BY id`, tz(now.Add(lease)), tz(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Mail, error) { return scanMail(row) })
	if err != nil {
		return nil, fmt.Errorf("store: claim mail: %w", err)
	}
	return ms, nil
}

// MailSent records that message id went, and wipes its sealed content.
func (db *DB) MailSent(ctx context.Context, id int64, now time.Time) error {
	if _, err := db.pool.Exec(ctx, `UPDATE mail_queue SET sent_at = $1, sealed = NULL, last_error = ''
		WHERE id = $2`, tz(now), id); err != nil {
		return fmt.Errorf("store: mail sent: %w", err)
	}
	return nil
}

// MailRetry records a failed attempt of message id: it is due again at retryAt, or, when
// giveUp, never again (its sealed content is wiped).
func (db *DB) MailRetry(ctx context.Context, id int64, reason string, retryAt time.Time, giveUp bool, now time.Time) error {
	q := `UPDATE mail_queue SET next_at = $1, last_error = $2 WHERE id = $3`
	args := []any{tz(retryAt), reason, id}
	if giveUp {
		q = `UPDATE mail_queue SET failed_at = $1, sealed = NULL, last_error = $2 WHERE id = $3`
		args = []any{tz(now), reason, id}
	}
	if _, err := db.pool.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("store: mail retry: %w", err)
	}
	return nil
}

// PruneMail deletes messages sent or given up before before.
func (db *DB) PruneMail(ctx context.Context, before time.Time) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM mail_queue WHERE sent_at < $1 OR failed_at < $1`, tz(before)); err != nil {
		return fmt.Errorf("store: prune mail: %w", err)
	}
	return nil
}

// AddDevMail delivers a message to the dev mailbox.
func (db *DB) AddDevMail(ctx context.Context, m phonegate.DevMail) error {
	if _, err := db.pool.Exec(ctx, `INSERT INTO dev_mail (to_addr, kind, sealed, created_at) VALUES ($1, $2, $3, $4)`,
		m.To, m.Kind, m.Sealed, tz(m.CreatedAt)); err != nil {
		return fmt.Errorf("store: add dev mail: %w", err)
	}
	return nil
}

// DevMailbox returns the newest limit messages of the dev mailbox, newest first.
func (db *DB) DevMailbox(ctx context.Context, limit int) ([]phonegate.DevMail, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, to_addr, kind, sealed, created_at FROM dev_mail
		ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: dev mailbox: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.DevMail, error) {
		var m phonegate.DevMail
		err := row.Scan(&m.ID, &m.To, &m.Kind, &m.Sealed, ts(&m.CreatedAt))
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: dev mailbox: %w", err)
	}
	return ms, nil
}
