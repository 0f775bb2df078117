package sqlite

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// latestVerificationSQL finds the newest verification of a service for a
// phone.
const latestVerificationSQL = `SELECT ` + challengeColumns + ` FROM challenges
	WHERE purpose = 'verify' AND service_sid = ? AND phone = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`

// StartVerification creates verification c and reserves its first send,
// in one transaction, unless its service has a pending, unexpired
// verification for the same phone (ErrConflict): the caller resends that
// one instead, so that two creates for one number never make two codes.
// A send refused by a limit creates nothing.
func (db *DB) StartVerification(ctx context.Context, c phonegate.Challenge, first phonegate.SendRequest) (phonegate.Delivery, error) {
	first.ChallengeID = c.ID
	var d phonegate.Delivery
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := endExpiredChallenges(ctx, tx, c.CreatedAt); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM challenges WHERE purpose = 'verify'
			AND service_sid = ? AND phone = ? AND state = 'pending' AND expires_at > ?`,
			c.ServiceSID, c.Phone, c.CreatedAt.Unix()).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("store: start verification: pending verification: %w", phonegate.ErrConflict)
		}
		if err := insertChallenge(ctx, tx, c); err != nil {
			return err
		}
		var err error
		d, err = reserveSend(ctx, tx, first)
		return err
	})
	if errors.Is(err, phonegate.ErrConflict) {
		return phonegate.Delivery{}, err
	}
	if err != nil {
		return phonegate.Delivery{}, reserveError(err)
	}
	return d, nil
}

// LatestVerification returns the newest verification of a service for a
// phone, whatever its state.
func (db *DB) LatestVerification(ctx context.Context, serviceSID, phone string) (phonegate.Challenge, error) {
	c, err := scanChallenge(db.read.QueryRowContext(ctx, latestVerificationSQL, serviceSID, phone))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "verification")
	}
	return c, nil
}

// CheckVerification counts one check of a pending, unexpired verification
// with checks left and compares mac with its code's MAC in the same
// transaction: the count is taken before the comparison, and the match
// consumes the verification before any other check can read it, so that
// of concurrent right checks exactly one passes.
func (db *DB) CheckVerification(ctx context.Context, id string, mac []byte, now time.Time) (phonegate.Challenge, bool, error) {
	var c phonegate.Challenge
	var checked bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		checked = false
		var stored []byte
		var checks int
		err := tx.QueryRowContext(ctx, `UPDATE challenges SET checks = checks + 1
			WHERE id = ? AND purpose = 'verify' AND state = 'pending' AND checks < ? AND expires_at > ?
			RETURNING code_mac, checks`, id, phonegate.MaxChecks, now.Unix()).Scan(&stored, &checks)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case hmac.Equal(stored, mac):
			checked = true
			if err := endChallenge(ctx, tx, id, phonegate.ChallengeUsed); err != nil {
				return err
			}
		default:
			checked = true
			if checks >= phonegate.MaxChecks {
				if err := endChallenge(ctx, tx, id, phonegate.ChallengeDead); err != nil {
					return err
				}
			}
		}
		c, err = scanChallenge(tx.QueryRowContext(ctx, `SELECT `+challengeColumns+` FROM challenges
			WHERE id = ? AND purpose = 'verify'`, id))
		return err
	})
	if err != nil {
		return phonegate.Challenge{}, false, notFound(err, "check verification")
	}
	return c, checked, nil
}

// endChallenge moves a challenge to state and wipes its sealed code.
func endChallenge(ctx context.Context, tx *sql.Tx, id, state string) error {
	_, err := tx.ExecContext(ctx, `UPDATE challenges SET state = ?, code_sealed = NULL WHERE id = ?`, state, id)
	return err
}

// EndVerification moves a pending, unexpired verification to state
// (ChallengeUsed or ChallengeCancelled) and wipes its sealed code.
func (db *DB) EndVerification(ctx context.Context, id, state string, now time.Time) (phonegate.Challenge, error) {
	if state != phonegate.ChallengeUsed && state != phonegate.ChallengeCancelled {
		return phonegate.Challenge{}, fmt.Errorf("store: end verification: state %q", state)
	}
	c, err := scanChallenge(db.write.QueryRowContext(ctx, `UPDATE challenges SET state = ?, code_sealed = NULL
		WHERE id = ? AND purpose = 'verify' AND state = 'pending' AND expires_at > ?
		RETURNING `+challengeColumns, state, id, now.Unix()))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "end verification")
	}
	return c, nil
}

// Verifications returns the newest limit verifications of a service,
// newest first.
func (db *DB) Verifications(ctx context.Context, serviceSID string, limit int) ([]phonegate.Challenge, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+challengeColumns+` FROM challenges
		WHERE purpose = 'verify' AND service_sid = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`, serviceSID, limit)
	return collect("verifications", rows, err, func(r scanner) (phonegate.Challenge, error) { return scanChallenge(r) })
}

// CountVerifications returns how many verifications of a service were
// created at or after since, and how many of those were approved.
func (db *DB) CountVerifications(ctx context.Context, serviceSID string, since time.Time) (created, approved int, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(state = 'used'), 0) FROM challenges
		WHERE purpose = 'verify' AND service_sid = ? AND created_at >= ?`, serviceSID, since.Unix()).Scan(&created, &approved)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count verifications: %w", err)
	}
	return created, approved, nil
}
