package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// The account lock (DESIGN §2): MaxMFAFailures consecutive second-factor
// failures, across challenges, sessions and kinds of code, lock the second
// factor for MFALockDuration. Like a challenge's checks, the account's
// count is taken before the comparison, in the transaction that hands out
// what to compare with: each comparison takes one attempt, and the attempt
// that takes the last one of a lock period sets the lock as it does. So
// however many requests arrive at once, no more than MaxMFAFailures
// comparisons happen in a lock period, and none while locked.
//
// A right answer in that last attempt clears the lock with the count, as
// any success does (PassChallenge, UseEmergencyCode, UseRecoveryCode): a
// right tenth code does not lock. A wrong answer only confirms what its
// attempt counted; the first wrong one to find every attempt taken audits
// the lock, once, and failures still in flight after it change nothing.

// takeAttemptSQL takes one second-factor attempt of an unlocked user. A
// lock that has ended starts a new lock period, counted from one; the
// attempt that reaches MaxMFAFailures sets the lock. SQLite evaluates every
// right-hand side against the row as it was, so the count in the second
// CASE is the one the first writes. It returns the user's emergency code
// hash, which an emergency code is compared with.
const takeAttemptSQL = `UPDATE users SET
	mfa_failures = CASE WHEN mfa_locked_until != 0 THEN 1 ELSE mfa_failures + 1 END,
	mfa_locked_until = CASE WHEN (CASE WHEN mfa_locked_until != 0 THEN 1 ELSE mfa_failures + 1 END) >= ?
		THEN ? ELSE 0 END
	WHERE id = ? AND mfa_locked_until <= ?
	RETURNING emergency_hash`

// takeAttempt takes one attempt of userID inside tx; ErrCodeRefused when
// the user is locked (or unknown).
func takeAttempt(ctx context.Context, tx *sql.Tx, userID int64, now time.Time) (emergencyHash string, err error) {
	err = tx.QueryRowContext(ctx, takeAttemptSQL, phonegate.MaxMFAFailures, now.Add(phonegate.MFALockDuration).Unix(), userID, now.Unix()).
		Scan(&emergencyHash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: second-factor attempt: %w", phonegate.ErrCodeRefused)
	}
	if err != nil {
		return "", fmt.Errorf("store: second-factor attempt: %w", err)
	}
	return emergencyHash, nil
}

// TakeEmergencyCheck takes one second-factor attempt of the user for an
// emergency code and returns the stored hash to verify it against (empty
// when the user has none). The attempt is counted before the slow
// Argon2id verification, outside this call, so that concurrent guesses
// cannot run more verifications than the lock allows. ErrCodeRefused when
// the user is locked.
func (db *DB) TakeEmergencyCheck(ctx context.Context, userID int64, now time.Time) (string, error) {
	var hash string
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		hash, err = takeAttempt(ctx, tx, userID, now)
		return err
	})
	return hash, err
}

// recordFailure audits one wrong answer whose attempt was taken, and
// audits the lock if this is the first wrong answer to find the lock
// period's attempts all taken. The count is set back to zero as it does,
// so that the answers still in flight audit no second lock; the lock
// itself, set when the last attempt was taken, stays as it is.
func recordFailure(ctx context.Context, tx *sql.Tx, userID int64, detail string, now time.Time) (phonegate.Failure, error) {
	var f phonegate.Failure
	if err := addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "2fa.failed",
		Detail: detail, At: now}); err != nil {
		return f, err
	}
	var until int64
	err := tx.QueryRowContext(ctx, `UPDATE users SET mfa_failures = 0
		WHERE id = ? AND mfa_failures >= ? AND mfa_locked_until > ? RETURNING mfa_locked_until`,
		userID, phonegate.MaxMFAFailures, now.Unix()).Scan(&until)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("store: lock second factor: %w", err)
	}
	f.Locked, f.LockedUntil = true, unix(until)
	return f, addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, Kind: "2fa.locked",
		Detail: fmt.Sprintf("locked for %d minutes after %d failed attempts", int(phonegate.MFALockDuration/time.Minute), phonegate.MaxMFAFailures),
		At:     now})
}
