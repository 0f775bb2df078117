package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// The account lock (DESIGN §2): MaxMFAFailures consecutive second-factor failures lock the
// second factor for MFALockDuration. The count is taken before the comparison, by one UPDATE of
// the user's row: PostgreSQL evaluates every SET against the row as it was, and a concurrent
// transaction that changed the row makes this one wait and re-check its WHERE against the new
// version, so however many instances take attempts at once, no more than MaxMFAFailures
// comparisons happen in a lock period, and none while locked. See store/sqlite's lock.go for the
// rules this mirrors.

// takeAttemptSQL takes one second-factor attempt of an unlocked user. A lock that has ended
// starts a new lock period, counted from one; the attempt that reaches MaxMFAFailures sets the
// lock. It returns the user's emergency code hash.
const takeAttemptSQL = `UPDATE users SET
	mfa_failures = CASE WHEN mfa_locked_until IS NOT NULL THEN 1 ELSE mfa_failures + 1 END,
	mfa_locked_until = CASE WHEN (CASE WHEN mfa_locked_until IS NOT NULL THEN 1 ELSE mfa_failures + 1 END) >= $1
		THEN $2::timestamptz END
	WHERE id = $3 AND (mfa_locked_until IS NULL OR mfa_locked_until <= $4)
	RETURNING emergency_hash`

// takeAttempt takes one attempt of userID inside tx; ErrCodeRefused when the user is locked (or
// unknown).
func takeAttempt(ctx context.Context, tx pgx.Tx, userID int64, now time.Time) (emergencyHash string, err error) {
	err = tx.QueryRow(ctx, takeAttemptSQL, phonegate.MaxMFAFailures, tz(now.Add(phonegate.MFALockDuration)), userID, tz(now)).
		Scan(&emergencyHash)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("store: second-factor attempt: %w", phonegate.ErrCodeRefused)
	}
	if err != nil {
		return "", fmt.Errorf("store: second-factor attempt: %w", err)
	}
	return emergencyHash, nil
}

// TakeEmergencyCheck takes one second-factor attempt of the user for an emergency code and
// returns the stored hash to verify it against (empty when the user has none). ErrCodeRefused
// when the user is locked.
func (db *DB) TakeEmergencyCheck(ctx context.Context, userID int64, now time.Time) (string, error) {
	var hash string
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		hash, err = takeAttempt(ctx, tx, userID, now)
		return err
	})
	return hash, err
}

// recordFailure audits one wrong answer whose attempt was taken, and audits the lock if this is
// the first wrong answer to find the lock period's attempts all taken; the count goes back to
// zero as it does, so that the answers still in flight audit no second lock.
func recordFailure(ctx context.Context, tx pgx.Tx, userID int64, detail string, now time.Time) (phonegate.Failure, error) {
	var f phonegate.Failure
	if err := addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "2fa.failed",
		Detail: detail, At: now}); err != nil {
		return f, err
	}
	var until time.Time
	err := tx.QueryRow(ctx, `UPDATE users SET mfa_failures = 0
		WHERE id = $1 AND mfa_failures >= $2 AND mfa_locked_until > $3 RETURNING mfa_locked_until`,
		userID, phonegate.MaxMFAFailures, tz(now)).Scan(ts(&until))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("store: lock second factor: %w", err)
	}
	f.Locked, f.LockedUntil = true, until
	return f, addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, Kind: "2fa.locked",
		Detail: fmt.Sprintf("locked for %d minutes after %d failed attempts", int(phonegate.MFALockDuration/time.Minute), phonegate.MaxMFAFailures),
		At:     now})
}
