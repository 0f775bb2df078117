package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// SetOptOut records whether a phone number has opted out of text messages
// (it replied STOP) or back in (START).
func (db *DB) SetOptOut(ctx context.Context, phone string, out bool, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO sms_opt_outs (phone, opted_out, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (phone) DO UPDATE SET opted_out = excluded.opted_out, updated_at = excluded.updated_at`,
		phone, out, now.Unix())
	if err != nil {
		return fmt.Errorf("store: set opt-out: %w", err)
	}
	return nil
}

// OptedOut reports whether a phone number has opted out of text messages.
// A number never seen has not.
func (db *DB) OptedOut(ctx context.Context, phone string) (bool, error) {
	var out bool
	err := db.read.QueryRowContext(ctx, `SELECT opted_out FROM sms_opt_outs WHERE phone = ?`, phone).Scan(&out)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: opted out: %w", err)
	}
	return out, nil
}

// CancelPendingForPhone cancels every pending challenge for a phone number,
// because its holder replied NO: they did not ask for a code. The sealed
// codes are wiped, and each user concerned gets a "code.denied" event in
// the audit log of each of their projects. It returns how many challenges
// were cancelled.
func (db *DB) CancelPendingForPhone(ctx context.Context, phone string, now time.Time) (int, error) {
	var n int
	err := db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE challenges SET state = 'cancelled', code_sealed = NULL
			WHERE phone = ? AND state = 'pending' RETURNING COALESCE(user_id, 0), COALESCE(project_id, 0), id`, phone)
		if err != nil {
			return err
		}
		users := map[int64]bool{}
		var verifications []phonegate.AuditEvent
		for rows.Next() {
			var id, projectID int64
			var challengeID string
			if err := rows.Scan(&id, &projectID, &challengeID); err != nil {
				rows.Close()
				return err
			}
			if id == 0 { // a verification of the Verify API
				verifications = append(verifications, phonegate.AuditEvent{ProjectID: projectID,
					Kind: "verification.canceled", Detail: challengeID + ": the phone's holder replied NO", At: now})
			} else {
				users[id] = true
			}
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, e := range verifications {
			if err := addAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		for id := range users {
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

// ApproveByReply approves the pending, unexpired challenge for phone whose
// reply MAC is replyMAC (phonegate.Keys.ReplyMAC of the sender and the
// text): its holder texted the code shown on the page from that very
// number. phone must be the sender's number exactly as Twilio reports it
// (E.164). The lookup is one read of the challenges_reply index on the read
// pool, so that the common message that is no reply code ("ok", "thanks")
// takes no write lock; the MAC binds the phone as well, and the phone is
// checked again. It returns ErrNotFound when no challenge matches.
func (db *DB) ApproveByReply(ctx context.Context, phone string, replyMAC []byte, now time.Time) (phonegate.Challenge, error) {
	if len(replyMAC) == 0 || phone == "" {
		return phonegate.Challenge{}, fmt.Errorf("store: approve by reply: %w", phonegate.ErrNotFound)
	}
	var id string
	if err := db.read.QueryRowContext(ctx, findReplySQL, replyMAC, phone, now.Unix()).Scan(&id); err != nil {
		return phonegate.Challenge{}, notFound(err, "reply code")
	}
	var c phonegate.Challenge
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		// The state is checked again: the challenge may have ended since.
		c, err = scanChallenge(tx.QueryRowContext(ctx, `UPDATE challenges SET state = 'approved'
			WHERE id = ? AND state = 'pending' AND expires_at > ? RETURNING `+challengeColumns, id, now.Unix()))
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

// findReplySQL finds the newest pending challenge with a reply MAC; see
// ApproveByReply. Two live challenges of one phone share a MAC only if
// they drew the same code (one chance in 27^6): the newest wins.
const findReplySQL = `SELECT id FROM challenges WHERE reply_mac = ? AND state = 'pending' AND phone = ? AND expires_at > ?
	ORDER BY created_at DESC, rowid DESC LIMIT 1`
