package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// TakeCheck counts one check of a pending challenge's code, and one
// second-factor attempt of its user, and returns the MAC to compare the
// typed code with. Both counts are taken before the comparison and in the
// transaction that reads the MAC, so that no number of concurrent requests
// gets more than MaxChecks comparisons of a challenge, nor more than
// MaxMFAFailures of a user in a lock period, and a locked user gets none.
// It returns ErrCodeRefused when the challenge is not pending, has
// expired, has no check left, belongs to another session or its user is
// locked; then nothing is counted.
func (db *DB) TakeCheck(ctx context.Context, challengeID string, sessionHash []byte, now time.Time) ([]byte, error) {
	var mac []byte
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `UPDATE challenges SET checks = checks + 1
			WHERE id = ? AND session_hash = ? AND state = 'pending' AND checks < ? AND expires_at > ?
			RETURNING user_id, code_mac`, challengeID, sessionHash, phonegate.MaxChecks, now.Unix()).Scan(&userID, &mac)
		if errors.Is(err, sql.ErrNoRows) {
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

// PassChallenge consumes the challenge and records the success, in one
// transaction: the challenge becomes used and its sealed code is wiped;
// the user's failure count and lock are cleared; the method that carried
// the code becomes the preferred one. An enrollment also makes the phone
// the user's verified phone with a new emergency code, and ends the trust
// of every computer (they trusted the old phone). Exactly one of any
// number of concurrent callers succeeds; the others get ErrCodeRefused.
//
// An enrollment passes only while the user has no verified phone, or when
// its session has passed the second factor (p.SessionPassed): a session
// that passed only the password must never replace a verified phone. After
// the emergency code or a reset, it passes only in the session the
// re-enrollment is bound to (see Reenrollment), whatever else the session
// passed. Both are checked in the statement that consumes the challenge,
// so that an enrollment cannot slip in after another verified a phone.
func (db *DB) PassChallenge(ctx context.Context, challengeID string, sessionHash []byte, p phonegate.Pass, now time.Time) (phonegate.Challenge, error) {
	from := phonegate.ChallengePending
	if p.Claim {
		from = phonegate.ChallengeApproved
	}
	var c phonegate.Challenge
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = scanChallenge(tx.QueryRowContext(ctx, passSQL, challengeID, sessionHash, from, now.Unix(), p.SessionPassed))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: pass challenge: %w", phonegate.ErrCodeRefused)
		}
		if err != nil {
			return fmt.Errorf("store: pass challenge: %w", err)
		}
		// The preferred method is the channel of the newest delivery that
		// reached the phone, else of the newest delivery at all; a reply
		// with nothing sent keeps the old preference.
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_failures = 0, mfa_locked_until = 0, last_mfa_at = ?,
			preferred_channel = COALESCE((SELECT channel FROM deliveries WHERE challenge_id = ?
				ORDER BY `+arrivedSQL+` DESC, created_at DESC, rowid DESC
				LIMIT 1), preferred_channel)
			WHERE id = ?`, now.Unix(), c.ID, c.UserID); err != nil {
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
	WHERE id = ? AND session_hash = ? AND state = ? AND expires_at > ?
		AND (purpose != 'enroll' OR ?
			OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = challenges.user_id AND u.phone_verified = 1))
		AND (purpose != 'enroll' OR NOT EXISTS (SELECT 1 FROM reenrollments r
			WHERE r.user_id = challenges.user_id AND r.session_hash IS NOT challenges.session_hash))
	RETURNING ` + challengeColumns

// verifyPhone makes an enrollment's phone the user's verified phone. The
// user's other open enrollments end with it, whichever session started
// them, so that none can replace the phone just verified, and so do the
// login challenges to another phone, which the user no longer holds as
// their second factor. Emergency codes that other sessions had still to
// show no longer work: they go, and the new one waits for the session
// that passed. What bound the enrollment to this session goes too.
func verifyPhone(ctx context.Context, tx *sql.Tx, c phonegate.Challenge, p phonegate.Pass, now time.Time) error {
	if p.EmergencyHash == "" {
		return errors.New("store: verify phone: an enrollment needs an emergency code")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET phone = ?, phone_verified = 1, emergency_hash = ? WHERE id = ?`,
		c.Phone, p.EmergencyHash, c.UserID); err != nil {
		return fmt.Errorf("store: verify phone: %w", err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM trusted_computers WHERE user_id = ?`, []any{c.UserID}},
		{`DELETE FROM reenrollments WHERE user_id = ?`, []any{c.UserID}},
		{`UPDATE challenges SET state = 'cancelled', code_sealed = NULL
			WHERE user_id = ? AND id != ? AND state IN ('pending', 'approved') AND (purpose = 'enroll' OR phone != ?)`,
			[]any{c.UserID, c.ID, c.Phone}},
		{`DELETE FROM reveals WHERE kind = ? AND session_hash IN (SELECT token_hash FROM sessions WHERE user_id = ?)`,
			[]any{phonegate.RevealEmergency, c.UserID}},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("store: verify phone: %w", err)
		}
	}
	if len(p.EmergencySealed) == 0 {
		return nil
	}
	return setReveal(ctx, tx, c.SessionHash, phonegate.RevealEmergency, p.EmergencySealed, now)
}

// FailSecondFactor records a wrong code (challengeID names its challenge)
// or a wrong emergency code (challengeID empty), whose attempt TakeCheck or
// TakeEmergencyCheck counted already. A challenge whose last check this
// was dies, its sealed code wiped. Each failure is audited, and so is the
// lock, once, when this failure is the first to find the lock period's
// attempts all taken; detail says in words what failed and holds no
// secret.
func (db *DB) FailSecondFactor(ctx context.Context, userID int64, challengeID, detail string, now time.Time) (phonegate.Failure, error) {
	var f phonegate.Failure
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if challengeID != "" {
			res, err := tx.ExecContext(ctx, `UPDATE challenges SET state = 'dead', code_sealed = NULL
				WHERE id = ? AND state = 'pending' AND checks >= ?`, challengeID, phonegate.MaxChecks)
			if err != nil {
				return fmt.Errorf("store: second-factor failure: %w", err)
			}
			n, _ := res.RowsAffected()
			f.ChallengeDead = n > 0
		}
		locked, err := recordFailure(ctx, tx, userID, detail, now)
		f.Locked, f.LockedUntil = locked.Locked, locked.LockedUntil
		return err
	})
	return f, err
}

// UseEmergencyCode consumes the user's emergency code, which the caller
// verified against hash outside any transaction (Argon2id is slow), after
// TakeEmergencyCheck counted the attempt: that is where a locked user is
// refused, and the attempt that set the lock may still succeed here. The
// consumption is conditional on the hash still being the stored one, so
// that of several concurrent uses exactly one succeeds; the others get
// ErrCodeRefused. Using it unverifies the phone (the user must verify one
// again), forgets every trusted computer, cancels the user's open
// challenges and clears the failure count and the lock.
//
// Only the session that used it (sessionHash) may then verify the new
// phone: the re-enrollment is bound to it, in the store, so that no other
// session, not even one that logs in later, can verify a phone of its own
// in its place. The user's other sessions that passed only the password
// end here as well: they have nothing left to do.
func (db *DB) UseEmergencyCode(ctx context.Context, userID int64, hash string, sessionHash []byte, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET emergency_hash = '', phone_verified = 0,
			mfa_failures = 0, mfa_locked_until = 0, last_mfa_at = ?
			WHERE id = ? AND emergency_hash = ? AND emergency_hash != ''`,
			now.Unix(), userID, hash)
		if err != nil {
			return fmt.Errorf("store: use emergency code: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: use emergency code: %w", phonegate.ErrCodeRefused)
		}
		for _, q := range []string{
			`DELETE FROM trusted_computers WHERE user_id = ?`,
			`UPDATE challenges SET state = 'cancelled', code_sealed = NULL WHERE user_id = ? AND state IN ('pending', 'approved')`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return fmt.Errorf("store: use emergency code: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ? AND mfa_at = 0`,
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

// SetEmergencyHash replaces the user's emergency code with a new one; the
// old one stops working at once.
func (db *DB) SetEmergencyHash(ctx context.Context, userID int64, hash string, now time.Time) error {
	if hash == "" {
		return errors.New("store: set emergency code: empty hash")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET emergency_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return fmt.Errorf("store: set emergency code: %w", err)
		}
		if err := mustAffect(res, "user"); err != nil {
			return err
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "emergency.regenerated",
			Detail: "a new emergency code was made; the old one no longer works", At: now})
	})
}

// LastMFA returns when each member of a project last passed a second
// factor, by user ID; members who never did are absent.
func (db *DB) LastMFA(ctx context.Context, projectID int64) (map[int64]time.Time, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.last_mfa_at FROM users u
		JOIN memberships m ON m.user_id = u.id WHERE m.project_id = ? AND u.last_mfa_at > 0`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: last codes: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id, at int64
		if err := rows.Scan(&id, &at); err != nil {
			return nil, fmt.Errorf("store: last codes: %w", err)
		}
		out[id] = unix(at)
	}
	return out, rows.Err()
}

// SetReveal keeps a sealed secret for one later page of the session,
// replacing any earlier one of the same kind.
func (db *DB) SetReveal(ctx context.Context, sessionHash []byte, kind string, sealed []byte, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return setReveal(ctx, tx, sessionHash, kind, sealed, now) })
}

func setReveal(ctx context.Context, tx *sql.Tx, sessionHash []byte, kind string, sealed []byte, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reveals (session_hash, kind, sealed, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (session_hash, kind) DO UPDATE SET sealed = excluded.sealed, created_at = excluded.created_at`,
		sessionHash, kind, sealed, now.Unix())
	if err != nil {
		return fmt.Errorf("store: keep %s for display: %w", kind, err)
	}
	return nil
}

// TakeReveal returns the sealed secret kept for the session and deletes
// it in the same statement, so that it is shown at most once. It returns
// ErrNotFound when there is none (it was shown already).
func (db *DB) TakeReveal(ctx context.Context, sessionHash []byte, kind string) ([]byte, error) {
	var sealed []byte
	err := db.write.QueryRowContext(ctx, `DELETE FROM reveals WHERE session_hash = ? AND kind = ? RETURNING sealed`,
		sessionHash, kind).Scan(&sealed)
	if err != nil {
		return nil, notFound(err, kind+" to show")
	}
	return sealed, nil
}

// HasReveal reports whether the session has a secret of kind still to show.
func (db *DB) HasReveal(ctx context.Context, sessionHash []byte, kind string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM reveals WHERE session_hash = ? AND kind = ?`,
		sessionHash, kind).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: %s to show: %w", kind, err)
	}
	return n > 0, nil
}
