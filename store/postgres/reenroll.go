package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// Reenrollment returns what binds the user's next enrollment, seen from the session
// sessionHash. ErrNotFound when nothing does: the user may verify a phone from any session.
func (db *DB) Reenrollment(ctx context.Context, userID int64, sessionHash []byte, now time.Time) (phonegate.Reenrollment, error) {
	var re phonegate.Reenrollment
	var held, recovery, live bool
	err := db.pool.QueryRow(ctx, `SELECT reason, COALESCE(session_hash = $1, false), session_hash IS NOT NULL,
		recovery_mac IS NOT NULL, COALESCE(expires_at > $2, false) FROM reenrollments WHERE user_id = $3`,
		sessionHash, tz(now), userID).Scan(&re.Reason, &re.Bound, &held, &recovery, &live)
	if err != nil {
		return phonegate.Reenrollment{}, notFound(err, "re-enrollment")
	}
	re.Orphaned = !held && !recovery
	re.RecoveryLive = recovery && live
	re.RecoveryExpired = recovery && !re.RecoveryLive
	return re, nil
}

// bindReenrollment makes the session sessionHash of userID the only one that may verify the
// user's next phone, after the emergency code. A session that is not the user's binds none.
func bindReenrollment(ctx context.Context, tx pgx.Tx, userID int64, sessionHash []byte, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO reenrollments (user_id, reason, session_hash, created_at)
		VALUES ($1, $2, (SELECT token_hash FROM sessions WHERE token_hash = $3 AND user_id = $1), $4)
		ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, session_hash = excluded.session_hash,
			recovery_mac = NULL, expires_at = NULL, created_at = excluded.created_at`,
		userID, phonegate.ReenrollEmergency, sessionHash, tz(now))
	if err != nil {
		return fmt.Errorf("store: bind re-enrollment: %w", err)
	}
	return nil
}

// issueRecovery makes recoveryMAC, the keyed hash of a one-time recovery code, the only way to
// verify the user's next phone, for RecoveryLife.
func issueRecovery(ctx context.Context, tx pgx.Tx, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	if len(recoveryMAC) == 0 {
		return errors.New("store: issue recovery code: a reset needs a recovery code")
	}
	_, err := tx.Exec(ctx, `INSERT INTO reenrollments (user_id, reason, recovery_mac, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, session_hash = NULL,
			recovery_mac = excluded.recovery_mac, expires_at = excluded.expires_at, created_at = excluded.created_at`,
		userID, phonegate.ReenrollReset, recoveryMAC, tz(now.Add(phonegate.RecoveryLife)), tz(now))
	if err != nil {
		return fmt.Errorf("store: issue recovery code: %w", err)
	}
	return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: actorID, Kind: "recovery.issued",
		Detail: fmt.Sprintf("one-time recovery code issued, valid %d hours", int(phonegate.RecoveryLife/time.Hour)), At: now})
}

// UseRecoveryCode binds the user's next enrollment to the session sessionHash if mac is the
// keyed hash of the live recovery code, and wipes the code: it works once. The attempt counts
// toward the account lock before the comparison, like a code's; ErrCodeRefused for every
// refusal, a locked user too.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, mac, sessionHash []byte, now time.Time) (phonegate.Failure, error) {
	var f phonegate.Failure
	wrong := false
	err := db.tx(ctx, func(tx pgx.Tx) error {
		f, wrong = phonegate.Failure{}, false
		if _, err := takeAttempt(ctx, tx, userID, now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE reenrollments SET session_hash = $1, recovery_mac = NULL
			WHERE user_id = $2 AND reason = $3 AND recovery_mac = $4 AND expires_at > $5
				AND EXISTS (SELECT 1 FROM sessions WHERE token_hash = $1 AND user_id = $2)`,
			sessionHash, userID, phonegate.ReenrollReset, mac, tz(now))
		if err != nil {
			return fmt.Errorf("store: use recovery code: %w", err)
		}
		if tag.RowsAffected() == 0 {
			wrong = true
			f, err = recordFailure(ctx, tx, userID, "wrong recovery code", now)
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET mfa_failures = 0, mfa_locked_until = NULL WHERE id = $1`,
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

// checkResetAuthority returns ErrOutsideAuthority unless actorID is an owner or admin, by an
// accepted membership, of every project userID accepted.
func checkResetAuthority(ctx context.Context, tx pgx.Tx, userID, actorID int64) error {
	var outside int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM memberships t
		WHERE t.user_id = $1 AND t.accepted_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM memberships a
			WHERE a.project_id = t.project_id AND a.user_id = $2 AND a.accepted_at IS NOT NULL AND a.role IN ($3, $4))`,
		userID, actorID, phonegate.RoleOwner, phonegate.RoleAdmin).Scan(&outside)
	if err != nil {
		return fmt.Errorf("store: reset 2fa: %w", err)
	}
	if outside > 0 {
		return fmt.Errorf("store: reset 2fa: %w", phonegate.ErrOutsideAuthority)
	}
	return nil
}
