package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// SetOptOut records whether a phone number has opted out of text messages (it replied STOP) or
// back in (START).
func (db *DB) SetOptOut(ctx context.Context, phone string, out bool, now time.Time) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO sms_opt_outs (phone, opted_out, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (phone) DO UPDATE SET opted_out = excluded.opted_out, updated_at = excluded.updated_at`,
		phone, out, tz(now))
	if err != nil {
		return fmt.Errorf("store: set opt-out: %w", err)
	}
	return nil
}

// OptedOut reports whether a phone number has opted out of text messages. A number never seen
// has not.
func (db *DB) OptedOut(ctx context.Context, phone string) (bool, error) {
	var out bool
	err := db.pool.QueryRow(ctx, `SELECT opted_out FROM sms_opt_outs WHERE phone = $1`, phone).Scan(&out)
	if noRow(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: opted out: %w", err)
	}
	return out, nil
}

// CancelPendingForPhone cancels every pending challenge for a phone number, because its holder
// replied NO. The sealed codes are wiped, and each user concerned gets a "code.denied" event in
// the audit log of each of their projects. It returns how many challenges were cancelled.
func (db *DB) CancelPendingForPhone(ctx context.Context, phone string, now time.Time) (int, error) {
	var n int
	err := db.tx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `UPDATE challenges SET state = 'cancelled', code_sealed = NULL
			WHERE phone = $1 AND state = 'pending' RETURNING COALESCE(user_id, 0), COALESCE(project_id, 0), id`, phone)
		if err != nil {
			return err
		}
		type cancelled struct {
			userID, projectID int64
			id                string
		}
		cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (cancelled, error) {
			var c cancelled
			err := row.Scan(&c.userID, &c.projectID, &c.id)
			return c, err
		})
		if err != nil {
			return err
		}
		n = len(cs)
		users := map[int64]bool{}
		for _, c := range cs {
			if c.userID == 0 { // a verification of the Verify API
				if err := addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: c.projectID, Kind: "verification.canceled",
					Detail: c.id + ": the phone's holder replied NO", At: now}); err != nil {
					return err
				}
				continue
			}
			id := c.userID
			if users[id] {
				continue
			}
			users[id] = true
			if err := addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: id, Kind: "code.denied",
				Detail: "the phone's holder replied NO", At: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: cancel pending for phone: %w", err)
	}
	return n, nil
}

// ApproveByReply approves the pending, unexpired challenge for phone whose reply MAC is
// replyMAC: its holder texted the code shown on the page from that very number. The lookup is
// one read, so that the common message that is no reply code takes no lock; the approval
// checks the state again in its UPDATE. It returns ErrNotFound when no challenge matches.
func (db *DB) ApproveByReply(ctx context.Context, phone string, replyMAC []byte, now time.Time) (phonegate.Challenge, error) {
	if len(replyMAC) == 0 || phone == "" {
		return phonegate.Challenge{}, fmt.Errorf("store: approve by reply: %w", phonegate.ErrNotFound)
	}
	var id string
	if err := db.pool.QueryRow(ctx, `SELECT id FROM challenges
		WHERE reply_mac = $1 AND state = 'pending' AND phone = $2 AND expires_at > $3
		ORDER BY created_at DESC, seq DESC LIMIT 1`, replyMAC, phone, tz(now)).Scan(&id); err != nil {
		return phonegate.Challenge{}, notFound(err, "reply code")
	}
	var c phonegate.Challenge
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		c, err = scanChallenge(tx.QueryRow(ctx, `UPDATE challenges SET state = 'approved'
			WHERE id = $1 AND state = 'pending' AND expires_at > $2 RETURNING `+challengeColumns, id, tz(now)))
		if err != nil {
			return notFound(err, "challenge")
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: c.UserID, Kind: "code.reply",
			Detail: "code approved by an SMS reply from the phone", At: now})
	})
	if err != nil {
		if errors.Is(err, phonegate.ErrNotFound) {
			return phonegate.Challenge{}, err
		}
		return phonegate.Challenge{}, fmt.Errorf("store: approve by reply: %w", err)
	}
	return c, nil
}
