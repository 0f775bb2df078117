package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
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
			WHERE phone = ? AND state = 'pending' RETURNING user_id`, phone)
		if err != nil {
			return err
		}
		users := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			users[id] = true
			n++
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for id := range users {
			if err := addUserAudit(ctx, tx, AuditEvent{UserID: id, Kind: "code.denied",
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

// NormalizeReplyCode puts a reply code in the form it is compared in:
// letters and digits only, upper case. People type "ab 12x", "AB12X." or
// "ab-12x" for the same code.
func NormalizeReplyCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}

// ApproveByReply approves the pending, unexpired challenge for phone whose
// reply code matches replyCode (compared after NormalizeReplyCode): its
// holder texted the code shown on the page from that very number. phone
// must be the sender's number exactly as Twilio reports it (E.164). It
// returns ErrNotFound when no challenge matches.
func (db *DB) ApproveByReply(ctx context.Context, phone, replyCode string, now time.Time) (Challenge, error) {
	want := NormalizeReplyCode(replyCode)
	if want == "" || phone == "" {
		return Challenge{}, fmt.Errorf("store: approve by reply: %w", ErrNotFound)
	}
	var c Challenge
	err := db.tx(ctx, func(tx *sql.Tx) error {
		id, err := matchReplyCode(ctx, tx, phone, want, now)
		if err != nil {
			return err
		}
		c, err = scanChallenge(tx.QueryRowContext(ctx, `UPDATE challenges SET state = 'approved'
			WHERE id = ? AND state = 'pending' RETURNING `+challengeColumns, id))
		if err != nil {
			return notFound(err, "challenge")
		}
		return addUserAudit(ctx, tx, AuditEvent{UserID: c.UserID, Kind: "code.reply",
			Detail: "code approved by an SMS reply from the phone", At: now})
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Challenge{}, err
		}
		return Challenge{}, fmt.Errorf("store: approve by reply: %w", err)
	}
	return c, nil
}

// matchReplyCode returns the ID of the newest pending challenge of phone
// whose reply code is want. Codes are compared in Go, in constant time,
// because how a code was written when it was stored is not ours to assume.
func matchReplyCode(ctx context.Context, tx *sql.Tx, phone, want string, now time.Time) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, reply_code FROM challenges
		WHERE phone = ? AND state = 'pending' AND expires_at > ? AND reply_code != ''
		ORDER BY created_at DESC, rowid DESC`, phone, now.Unix())
	if err != nil {
		return "", err
	}
	defer rows.Close()
	found := ""
	for rows.Next() {
		var id, code string
		if err := rows.Scan(&id, &code); err != nil {
			return "", err
		}
		if subtle.ConstantTimeCompare([]byte(NormalizeReplyCode(code)), []byte(want)) == 1 && found == "" {
			found = id
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if found == "" {
		return "", fmt.Errorf("store: reply code: %w", ErrNotFound)
	}
	return found, nil
}
