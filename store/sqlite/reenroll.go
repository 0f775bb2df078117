package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// Reenrollment returns what binds the user's next enrollment, seen from
// the session sessionHash. ErrNotFound when nothing does: the user may
// verify a phone from any session, as the first time.
func (db *DB) Reenrollment(ctx context.Context, userID int64, sessionHash []byte, now time.Time) (phonegate.Reenrollment, error) {
	var re phonegate.Reenrollment
	var recovery bool
	var expires int64
	var held bool
	err := db.read.QueryRowContext(ctx, `SELECT reason, session_hash IS NOT NULL AND session_hash = ?,
		session_hash IS NOT NULL, recovery_mac IS NOT NULL, expires_at FROM reenrollments WHERE user_id = ?`,
		sessionHash, userID).Scan(&re.Reason, &re.Bound, &held, &recovery, &expires)
	if err != nil {
		return phonegate.Reenrollment{}, notFound(err, "re-enrollment")
	}
	re.Orphaned = !held && !recovery
	re.RecoveryLive = recovery && expires > now.Unix()
	re.RecoveryExpired = recovery && !re.RecoveryLive
	return re, nil
}

// bindReenrollment makes the session sessionHash of userID the only one
// that may verify the user's next phone, after the emergency code. A
// session that is not the user's binds none: then no session may.
func bindReenrollment(ctx context.Context, tx *sql.Tx, userID int64, sessionHash []byte, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO reenrollments (user_id, reason, session_hash, created_at)
		VALUES (?, ?, (SELECT token_hash FROM sessions WHERE token_hash = ? AND user_id = ?), ?)
		ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, session_hash = excluded.session_hash,
			recovery_mac = NULL, expires_at = 0, created_at = excluded.created_at`,
		userID, phonegate.ReenrollEmergency, sessionHash, userID, now.Unix())
	if err != nil {
		return fmt.Errorf("store: bind re-enrollment: %w", err)
	}
	return nil
}

// issueRecovery makes recoveryMAC, the keyed hash of a one-time recovery
// code, the only way to verify the user's next phone, for RecoveryLife.
func issueRecovery(ctx context.Context, tx *sql.Tx, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	if len(recoveryMAC) == 0 {
		return errors.New("store: issue recovery code: a reset needs a recovery code")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO reenrollments (user_id, reason, recovery_mac, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, session_hash = NULL,
			recovery_mac = excluded.recovery_mac, expires_at = excluded.expires_at, created_at = excluded.created_at`,
		userID, phonegate.ReenrollReset, recoveryMAC, now.Add(phonegate.RecoveryLife).Unix(), now.Unix())
	if err != nil {
		return fmt.Errorf("store: issue recovery code: %w", err)
	}
	return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: actorID, Kind: "recovery.issued",
		Detail: fmt.Sprintf("one-time recovery code issued, valid %d hours", int(phonegate.RecoveryLife/time.Hour)), At: now})
}

// UseRecoveryCode binds the user's next enrollment to the session
// sessionHash if mac is the keyed hash of the live recovery code, and
// wipes the code: it works once. The attempt counts toward the account
// lock before the comparison, like a code's; a wrong, expired or used
// recovery code is recorded as a failure (and may lock), a right one
// clears the count. ErrCodeRefused for every refusal, a locked user too.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, mac, sessionHash []byte, now time.Time) (phonegate.Failure, error) {
	var f phonegate.Failure
	wrong := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := takeAttempt(ctx, tx, userID, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE reenrollments SET session_hash = ?, recovery_mac = NULL
			WHERE user_id = ? AND reason = ? AND recovery_mac = ? AND expires_at > ?
				AND EXISTS (SELECT 1 FROM sessions WHERE token_hash = ? AND user_id = ?)`,
			sessionHash, userID, phonegate.ReenrollReset, mac, now.Unix(), sessionHash, userID)
		if err != nil {
			return fmt.Errorf("store: use recovery code: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			wrong = true
			f, err = recordFailure(ctx, tx, userID, "wrong recovery code", now)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET mfa_failures = 0, mfa_locked_until = 0 WHERE id = ?`,
			userID); err != nil {
			return fmt.Errorf("store: use recovery code: %w", err)
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "recovery.used",
			Detail: "recovery code used; this session may verify a new phone", At: now})
	})
	if err == nil && wrong {
		err = phonegate.ErrCodeRefused
	}
	if err != nil {
		return f, fmt.Errorf("store: use recovery code: %w", err)
	}
	return f, nil
}

// checkResetAuthority returns ErrOutsideAuthority unless actorID is an
// owner or admin, by an accepted membership, of every project userID
// accepted: a reset reaches the whole account, so one project's admin may
// not reset what other projects rely on.
func checkResetAuthority(ctx context.Context, tx *sql.Tx, userID, actorID int64) error {
	var outside int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships t
		WHERE t.user_id = ? AND t.accepted_at > 0 AND NOT EXISTS (SELECT 1 FROM memberships a
			WHERE a.project_id = t.project_id AND a.user_id = ? AND a.accepted_at > 0 AND a.role IN (?, ?))`,
		userID, actorID, phonegate.RoleOwner, phonegate.RoleAdmin).Scan(&outside)
	if err != nil {
		return fmt.Errorf("store: reset 2fa: %w", err)
	}
	if outside > 0 {
		return fmt.Errorf("store: reset 2fa: %w", phonegate.ErrOutsideAuthority)
	}
	return nil
}
