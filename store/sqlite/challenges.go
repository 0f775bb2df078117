package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

const challengeColumns = `id, user_id, session_hash, purpose, label, phone, code_mac, code_sealed, reply_mac, state,
	checks, sends, last_send_at, auto_call_done, created_at, expires_at, service_sid, project_id`

func scanChallenge(row interface{ Scan(...any) error }) (phonegate.Challenge, error) {
	var c phonegate.Challenge
	var last, created, expires int64
	var userID, projectID sql.NullInt64 // a verification has no user; the others no project nor service
	var serviceSID sql.NullString
	err := row.Scan(&c.ID, &userID, &c.SessionHash, &c.Purpose, &c.Label, &c.Phone, &c.CodeMAC, &c.CodeSealed,
		&c.ReplyMAC, &c.State, &c.Checks, &c.Sends, &last, &c.AutoCallDone, &created, &expires, &serviceSID, &projectID)
	c.LastSendAt, c.CreatedAt, c.ExpiresAt = unix(last), unix(created), unix(expires)
	c.UserID, c.ProjectID, c.ServiceSID = userID.Int64, projectID.Int64, serviceSID.String
	return c, err
}

// CreateChallenge stores a new challenge. Pending challenges of the same
// session are cancelled first: a session has one live challenge at a time.
// Challenges of anyone that expired by c.CreatedAt end here too, their
// sealed codes wiped, so that no readable copy outlives its ten minutes
// for longer than it takes the next challenge to be made.
func (db *DB) CreateChallenge(ctx context.Context, c phonegate.Challenge) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := replaceSessionChallenges(ctx, tx, c); err != nil {
			return err
		}
		return insertChallenge(ctx, tx, c)
	})
}

// StartChallenge creates challenge c and reserves its first send (first,
// whose ChallengeID it sets) in one transaction: c replaces the session's
// open challenges only if that send is admitted. A send refused by a limit
// (a *SendLimitError) changes nothing, so that a session whose new number
// is refused keeps the challenge, and the code, it had.
func (db *DB) StartChallenge(ctx context.Context, c phonegate.Challenge, first phonegate.SendRequest) (phonegate.Delivery, error) {
	first.ChallengeID = c.ID
	var d phonegate.Delivery
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := insertChallenge(ctx, tx, c); err != nil {
			return err
		}
		var err error
		if d, err = reserveSend(ctx, tx, first); err != nil {
			return err
		}
		return replaceSessionChallenges(ctx, tx, c)
	})
	if err != nil {
		return phonegate.Delivery{}, reserveError(err)
	}
	return d, nil
}

// replaceSessionChallenges ends the open challenges of c's session other
// than c, wiping their sealed codes, and the expired ones of everybody.
func replaceSessionChallenges(ctx context.Context, tx *sql.Tx, c phonegate.Challenge) error {
	if _, err := tx.ExecContext(ctx, `UPDATE challenges SET state = 'cancelled', code_sealed = NULL
		WHERE session_hash = ? AND id != ? AND state IN ('pending', 'approved')`, c.SessionHash, c.ID); err != nil {
		return fmt.Errorf("store: create challenge: %w", err)
	}
	return endExpiredChallenges(ctx, tx, c.CreatedAt)
}

// nullString is s, or NULL for "".
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func insertChallenge(ctx context.Context, tx *sql.Tx, c phonegate.Challenge) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO challenges (`+challengeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, nullID(c.UserID), c.SessionHash, c.Purpose, c.Label, c.Phone, c.CodeMAC, c.CodeSealed, c.ReplyMAC,
		phonegate.ChallengePending, 0, 0, 0, false, c.CreatedAt.Unix(), c.ExpiresAt.Unix(), nullString(c.ServiceSID), nullID(c.ProjectID))
	if err != nil {
		return fmt.Errorf("store: create challenge: %w", err)
	}
	return nil
}

// Challenge returns a challenge by ID.
func (db *DB) Challenge(ctx context.Context, id string) (phonegate.Challenge, error) {
	c, err := scanChallenge(db.read.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM challenges WHERE id = ?`, id))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "challenge")
	}
	return c, nil
}

// SessionChallenge returns the newest challenge of a session, whatever its state.
func (db *DB) SessionChallenge(ctx context.Context, sessionHash []byte) (phonegate.Challenge, error) {
	c, err := scanChallenge(db.read.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM challenges
		WHERE session_hash = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`, sessionHash))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "challenge")
	}
	return c, nil
}

// EndExpiredChallenges ends the challenges that expired by now, wiping
// their sealed codes. Maintenance may call it now and then.
func (db *DB) EndExpiredChallenges(ctx context.Context, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return endExpiredChallenges(ctx, tx, now) })
}

func endExpiredChallenges(ctx context.Context, tx *sql.Tx, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE challenges SET state = 'dead', code_sealed = NULL
		WHERE state IN ('pending', 'approved') AND expires_at <= ?`, now.Unix()); err != nil {
		return fmt.Errorf("store: end expired challenges: %w", err)
	}
	return nil
}
