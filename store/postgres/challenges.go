package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const challengeColumns = `id, user_id, session_hash, purpose, label, phone, code_mac, code_sealed, reply_mac, state,
	checks, sends, last_send_at, auto_call_done, created_at, expires_at, COALESCE(service_sid, ''), COALESCE(project_id, 0)`

func scanChallenge(row pgx.Row) (phonegate.Challenge, error) {
	var c phonegate.Challenge
	var userID *int64 // a verification has no user
	err := row.Scan(&c.ID, &userID, &c.SessionHash, &c.Purpose, &c.Label, &c.Phone, &c.CodeMAC, &c.CodeSealed,
		&c.ReplyMAC, &c.State, &c.Checks, &c.Sends, ts(&c.LastSendAt), &c.AutoCallDone, ts(&c.CreatedAt), ts(&c.ExpiresAt),
		&c.ServiceSID, &c.ProjectID)
	if userID != nil {
		c.UserID = *userID
	}
	return c, err
}

// CreateChallenge stores a new challenge. Pending challenges of the same session are cancelled
// first: a session has one live challenge at a time. Challenges of anyone that expired by
// c.CreatedAt end here too, their sealed codes wiped.
func (db *DB) CreateChallenge(ctx context.Context, c phonegate.Challenge) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if err := replaceSessionChallenges(ctx, tx, c); err != nil {
			return err
		}
		return insertChallenge(ctx, tx, c)
	})
}

// StartChallenge creates challenge c and reserves its first send (first, whose ChallengeID it
// sets) in one transaction: c replaces the session's open challenges only if that send is
// admitted. A send refused by a limit changes nothing.
func (db *DB) StartChallenge(ctx context.Context, c phonegate.Challenge, first phonegate.SendRequest) (phonegate.Delivery, error) {
	first.ChallengeID = c.ID
	var d phonegate.Delivery
	err := db.tx(ctx, func(tx pgx.Tx) error {
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

// replaceSessionChallenges ends the open challenges of c's session other than c, wiping their
// sealed codes, and the expired ones of everybody.
func replaceSessionChallenges(ctx context.Context, tx pgx.Tx, c phonegate.Challenge) error {
	if _, err := tx.Exec(ctx, `UPDATE challenges SET state = 'cancelled', code_sealed = NULL
		WHERE session_hash = $1 AND id <> $2 AND state IN ('pending', 'approved')`, c.SessionHash, c.ID); err != nil {
		return fmt.Errorf("store: create challenge: %w", err)
	}
	return endExpiredChallenges(ctx, tx, c.CreatedAt)
}

func insertChallenge(ctx context.Context, tx pgx.Tx, c phonegate.Challenge) error {
	_, err := tx.Exec(ctx, `INSERT INTO challenges (id, user_id, session_hash, purpose, label, phone, code_mac,
		code_sealed, reply_mac, created_at, expires_at, service_sid, project_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, ''), $13)`,
		c.ID, nullID(c.UserID), c.SessionHash, c.Purpose, c.Label, c.Phone, c.CodeMAC, c.CodeSealed, c.ReplyMAC,
		tz(c.CreatedAt), tz(c.ExpiresAt), c.ServiceSID, nullID(c.ProjectID))
	if err != nil {
		return fmt.Errorf("store: create challenge: %w", err)
	}
	return nil
}

// Challenge returns a challenge by ID.
func (db *DB) Challenge(ctx context.Context, id string) (phonegate.Challenge, error) {
	c, err := scanChallenge(db.pool.QueryRow(ctx, `SELECT `+challengeColumns+` FROM challenges WHERE id = $1`, id))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "challenge")
	}
	return c, nil
}

// SessionChallenge returns the newest challenge of a session, whatever its state.
func (db *DB) SessionChallenge(ctx context.Context, sessionHash []byte) (phonegate.Challenge, error) {
	c, err := scanChallenge(db.pool.QueryRow(ctx, `SELECT `+challengeColumns+` FROM challenges
		WHERE session_hash = $1 ORDER BY created_at DESC, seq DESC LIMIT 1`, sessionHash))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "challenge")
	}
	return c, nil
}

// EndExpiredChallenges ends the challenges that expired by now, wiping their sealed codes.
func (db *DB) EndExpiredChallenges(ctx context.Context, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return endExpiredChallenges(ctx, tx, now) })
}

func endExpiredChallenges(ctx context.Context, tx pgx.Tx, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE challenges SET state = 'dead', code_sealed = NULL
		WHERE state IN ('pending', 'approved') AND expires_at <= $1`, tz(now)); err != nil {
		return fmt.Errorf("store: end expired challenges: %w", err)
	}
	return nil
}
