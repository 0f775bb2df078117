package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// Lock order: a transaction that changes a user's second factor and one of their challenges
// locks the user's row first (lockUser), then the challenge's, so that concurrent checks,
// passes and failures of one user queue on one row instead of deadlocking, and each statement
// after the lock sees what the transaction before it committed.

// lockUser locks userID's row until the end of tx; a missing user locks nothing.
func lockUser(ctx context.Context, tx pgx.Tx, userID int64) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
		return fmt.Errorf("store: lock user: %w", err)
	}
	return nil
}

// lockChallengeUser locks the row of the user of challengeID; a missing challenge locks nothing.
func lockChallengeUser(ctx context.Context, tx pgx.Tx, challengeID string) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = (SELECT user_id FROM challenges WHERE id = $1) FOR UPDATE`,
		challengeID); err != nil {
		return fmt.Errorf("store: lock user: %w", err)
	}
	return nil
}

// TakeCheck counts one check of a pending challenge's code, and one second-factor attempt of
// its user, and returns the MAC to compare the typed code with. Both counts are taken before
// the comparison, in the transaction that reads the MAC; ErrCodeRefused when the challenge is
// not pending, has expired, has no check left, belongs to another session or its user is
// locked, and then nothing is counted.
func (db *DB) TakeCheck(ctx context.Context, challengeID string, sessionHash []byte, now time.Time) ([]byte, error) {
	var mac []byte
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockChallengeUser(ctx, tx, challengeID); err != nil {
			return err
		}
		var userID int64
		err := tx.QueryRow(ctx, `UPDATE challenges SET checks = checks + 1
			WHERE id = $1 AND session_hash = $2 AND state = 'pending' AND checks < $3 AND expires_at > $4
			RETURNING user_id, code_mac`, challengeID, sessionHash, phonegate.MaxChecks, tz(now)).Scan(&userID, &mac)
		if errors.Is(err, pgx.ErrNoRows) {
			return phonegate.ErrCodeRefused
		}
		if err != nil {
			return err
		}
		_, err = takeAttempt(ctx, tx, userID, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: check code: %w", err)
	}
	return mac, nil
}

// PassChallenge consumes the challenge and records the success, in one transaction: the
// challenge becomes used and its sealed code is wiped; the user's failure count and lock are
// cleared; the method that carried the code becomes the preferred one. An enrollment also
// makes the phone the user's verified phone with a new emergency code, and ends the trust of
// every computer. Exactly one of any number of concurrent callers, on any instance, succeeds:
// the UPDATE … WHERE state = … takes the challenge's row, and the others find it used; the
// others get ErrCodeRefused. The conditions of store/sqlite's PassChallenge hold: they are
// checked after the user's row is locked, so that an enrollment cannot slip in after another
// verified a phone.
func (db *DB) PassChallenge(ctx context.Context, challengeID string, sessionHash []byte, p phonegate.Pass, now time.Time) (phonegate.Challenge, error) {
	from := phonegate.ChallengePending
	if p.Claim {
		from = phonegate.ChallengeApproved
	}
	var c phonegate.Challenge
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockChallengeUser(ctx, tx, challengeID); err != nil {
			return err
		}
		var err error
		c, err = scanChallenge(tx.QueryRow(ctx, passSQL, challengeID, sessionHash, from, tz(now), p.SessionPassed))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("store: pass challenge: %w", phonegate.ErrCodeRefused)
		}
		if err != nil {
			return fmt.Errorf("store: pass challenge: %w", err)
		}
		// The preferred method is the channel of the newest delivery that reached the phone,
		// else of the newest delivery at all; a reply with nothing sent keeps the old one.
		if _, err := tx.Exec(ctx, `UPDATE users SET mfa_failures = 0, mfa_locked_until = NULL, last_mfa_at = $1,
			preferred_channel = COALESCE((SELECT channel FROM deliveries WHERE challenge_id = $2
				ORDER BY `+arrivedSQL+` DESC, created_at DESC, seq DESC
				LIMIT 1), preferred_channel)
			WHERE id = $3`, tz(now), c.ID, c.UserID); err != nil {
			return fmt.Errorf("store: pass challenge: %w", err)
		}
		kind := "2fa.passed"
		if c.Purpose == phonegate.PurposeEnroll {
			kind = "phone.verified"
			if err := verifyPhone(ctx, tx, c, p, now); err != nil {
				return err
			}
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: c.UserID, ActorID: c.UserID, Kind: kind, Detail: p.Detail, At: now})
	})
	return c, err
}

// passSQL consumes a challenge; see PassChallenge.
const passSQL = `UPDATE challenges SET state = 'used', code_sealed = NULL
	WHERE id = $1 AND session_hash = $2 AND state = $3 AND expires_at > $4
		AND (purpose <> 'enroll' OR $5::boolean
			OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = challenges.user_id AND u.phone_verified))
		AND (purpose <> 'enroll' OR NOT EXISTS (SELECT 1 FROM reenrollments r
			WHERE r.user_id = challenges.user_id AND r.session_hash IS DISTINCT FROM challenges.session_hash))
	RETURNING ` + challengeColumns

// verifyPhone makes an enrollment's phone the user's verified phone, and ends what the old
// phone let happen; see store/sqlite's verifyPhone.
func verifyPhone(ctx context.Context, tx pgx.Tx, c phonegate.Challenge, p phonegate.Pass, now time.Time) error {
	if p.EmergencyHash == "" {
		return errors.New("store: verify phone: an enrollment needs an emergency code")
	}
	if _, err := tx.Exec(ctx, `UPDATE users SET phone = $1, phone_verified = true, emergency_hash = $2 WHERE id = $3`,
		c.Phone, p.EmergencyHash, c.UserID); err != nil {
		return fmt.Errorf("store: verify phone: %w", err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM trusted_computers WHERE user_id = $1`, []any{c.UserID}},
		{`DELETE FROM reenrollments WHERE user_id = $1`, []any{c.UserID}},
		{`UPDATE challenges SET state = 'cancelled', code_sealed = NULL
			WHERE user_id = $1 AND id <> $2 AND state IN ('pending', 'approved') AND (purpose = 'enroll' OR phone <> $3)`,
			[]any{c.UserID, c.ID, c.Phone}},
		{`DELETE FROM reveals WHERE kind = $1 AND session_hash IN (SELECT token_hash FROM sessions WHERE user_id = $2)`,
			[]any{phonegate.RevealEmergency, c.UserID}},
	} {
		if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("store: verify phone: %w", err)
		}
	}
	if len(p.EmergencySealed) == 0 {
		return nil
	}
	return setReveal(ctx, tx, c.SessionHash, phonegate.RevealEmergency, p.EmergencySealed, now)
}

// FailSecondFactor records a wrong code (challengeID names its challenge) or a wrong emergency
// code (challengeID empty), whose attempt TakeCheck or TakeEmergencyCheck counted already. A
// challenge whose last check this was dies, its sealed code wiped. Each failure is audited, and
// so is the lock, once.
func (db *DB) FailSecondFactor(ctx context.Context, userID int64, challengeID, detail string, now time.Time) (phonegate.Failure, error) {
	var f phonegate.Failure
	err := db.tx(ctx, func(tx pgx.Tx) error {
		f = phonegate.Failure{}
		if err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		if challengeID != "" {
			tag, err := tx.Exec(ctx, `UPDATE challenges SET state = 'dead', code_sealed = NULL
				WHERE id = $1 AND state = 'pending' AND checks >= $2`, challengeID, phonegate.MaxChecks)
			if err != nil {
				return fmt.Errorf("store: second-factor failure: %w", err)
			}
			f.ChallengeDead = tag.RowsAffected() > 0
		}
		locked, err := recordFailure(ctx, tx, userID, detail, now)
		f.Locked, f.LockedUntil = locked.Locked, locked.LockedUntil
		return err
	})
	return f, err
}

// UseEmergencyCode consumes the user's emergency code, which the caller verified against hash
// outside any transaction, after TakeEmergencyCheck counted the attempt. The consumption is
// conditional on the hash still being the stored one, so that of several concurrent uses
// exactly one succeeds; the others get ErrCodeRefused. See store/sqlite's UseEmergencyCode for
// what it ends.
func (db *DB) UseEmergencyCode(ctx context.Context, userID int64, hash string, sessionHash []byte, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET emergency_hash = '', phone_verified = false,
			mfa_failures = 0, mfa_locked_until = NULL, last_mfa_at = $1
			WHERE id = $2 AND emergency_hash = $3 AND emergency_hash <> ''`, tz(now), userID, hash)
		if err != nil {
			return fmt.Errorf("store: use emergency code: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("store: use emergency code: %w", phonegate.ErrCodeRefused)
		}
		for _, q := range []string{
			`DELETE FROM trusted_computers WHERE user_id = $1`,
			`UPDATE challenges SET state = 'cancelled', code_sealed = NULL WHERE user_id = $1 AND state IN ('pending', 'approved')`,
		} {
			if _, err := tx.Exec(ctx, q, userID); err != nil {
				return fmt.Errorf("store: use emergency code: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2 AND mfa_at IS NULL`,
			userID, sessionHash); err != nil {
			return fmt.Errorf("store: use emergency code: %w", err)
		}
		if err := bindReenrollment(ctx, tx, userID, sessionHash, now); err != nil {
			return err
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "2fa.emergency",
			Detail: "emergency code used; the phone must be verified again", At: now})
	})
}

// SetEmergencyHash replaces the user's emergency code with a new one; the old one stops working
// at once.
func (db *DB) SetEmergencyHash(ctx context.Context, userID int64, hash string, now time.Time) error {
	if hash == "" {
		return errors.New("store: set emergency code: empty hash")
	}
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET emergency_hash = $1 WHERE id = $2`, hash, userID)
		if err := mustAffect(tag, err, "set emergency code"); err != nil {
			return err
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "emergency.regenerated",
			Detail: "a new emergency code was made; the old one no longer works", At: now})
	})
}

// LastMFA returns when each member of a project last passed a second factor, by user ID;
// members who never did are absent.
func (db *DB) LastMFA(ctx context.Context, projectID int64) (map[int64]time.Time, error) {
	rows, err := db.pool.Query(ctx, `SELECT u.id, u.last_mfa_at FROM users u
		JOIN memberships m ON m.user_id = u.id WHERE m.project_id = $1 AND u.last_mfa_at IS NOT NULL`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: last codes: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, ts(&at)); err != nil {
			return nil, fmt.Errorf("store: last codes: %w", err)
		}
		out[id] = at
	}
	return out, rows.Err()
}
