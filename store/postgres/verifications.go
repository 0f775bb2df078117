package postgres

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// StartVerification creates verification c and reserves its first send, in one transaction,
// unless its service has a pending, unexpired verification for the same phone (ErrConflict):
// the caller resends that one instead. An advisory lock on the service and phone makes two
// instances creating at once for one number find each other's verification rather than make
// two codes. A send refused by a limit creates nothing.
func (db *DB) StartVerification(ctx context.Context, c phonegate.Challenge, first phonegate.SendRequest) (phonegate.Delivery, error) {
	first.ChallengeID = c.ID
	var d phonegate.Delivery
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('verify:' || $1 || ':' || $2, 0))`,
			c.ServiceSID, c.Phone); err != nil {
			return err
		}
		if err := endExpiredChallenges(ctx, tx, c.CreatedAt); err != nil {
			return err
		}
		var pending bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM challenges WHERE purpose = 'verify'
			AND service_sid = $1 AND phone = $2 AND state = 'pending' AND expires_at > $3)`,
			c.ServiceSID, c.Phone, tz(c.CreatedAt)).Scan(&pending); err != nil {
			return err
		}
		if pending {
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

// LatestVerification returns the newest verification of a service for a phone, whatever its
// state.
func (db *DB) LatestVerification(ctx context.Context, serviceSID, phone string) (phonegate.Challenge, error) {
	c, err := scanChallenge(db.pool.QueryRow(ctx, `SELECT `+challengeColumns+` FROM challenges
		WHERE purpose = 'verify' AND service_sid = $1 AND phone = $2 ORDER BY created_at DESC, seq DESC LIMIT 1`,
		serviceSID, phone))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "verification")
	}
	return c, nil
}

// CheckVerification counts one check of a pending, unexpired verification with checks left and
// compares mac with its code's MAC in the same transaction: the UPDATE … RETURNING takes the
// row, so the count comes before the comparison and the match consumes the verification before
// any other check, on any instance, can read it; of concurrent right checks exactly one passes.
func (db *DB) CheckVerification(ctx context.Context, id string, mac []byte, now time.Time) (phonegate.Challenge, bool, error) {
	var c phonegate.Challenge
	var checked bool
	err := db.tx(ctx, func(tx pgx.Tx) error {
		checked = false
		var stored []byte
		var checks int
		err := tx.QueryRow(ctx, `UPDATE challenges SET checks = checks + 1
			WHERE id = $1 AND purpose = 'verify' AND state = 'pending' AND checks < $2 AND expires_at > $3
			RETURNING code_mac, checks`, id, phonegate.MaxChecks, tz(now)).Scan(&stored, &checks)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
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
		c, err = scanChallenge(tx.QueryRow(ctx, `SELECT `+challengeColumns+` FROM challenges
			WHERE id = $1 AND purpose = 'verify'`, id))
		return err
	})
	if err != nil {
		return phonegate.Challenge{}, false, notFound(err, "check verification")
	}
	return c, checked, nil
}

// endChallenge moves a challenge to state and wipes its sealed code.
func endChallenge(ctx context.Context, tx pgx.Tx, id, state string) error {
	_, err := tx.Exec(ctx, `UPDATE challenges SET state = $1, code_sealed = NULL WHERE id = $2`, state, id)
	return err
}

// EndVerification moves a pending, unexpired verification to state (ChallengeUsed or
// ChallengeCancelled) and wipes its sealed code.
func (db *DB) EndVerification(ctx context.Context, id, state string, now time.Time) (phonegate.Challenge, error) {
	if state != phonegate.ChallengeUsed && state != phonegate.ChallengeCancelled {
		return phonegate.Challenge{}, fmt.Errorf("store: end verification: state %q", state)
	}
	c, err := scanChallenge(db.pool.QueryRow(ctx, `UPDATE challenges SET state = $1, code_sealed = NULL
		WHERE id = $2 AND purpose = 'verify' AND state = 'pending' AND expires_at > $3
		RETURNING `+challengeColumns, state, id, tz(now)))
	if err != nil {
		return phonegate.Challenge{}, notFound(err, "end verification")
	}
	return c, nil
}

// Verifications returns the newest limit verifications of a service, newest first.
func (db *DB) Verifications(ctx context.Context, serviceSID string, limit int) ([]phonegate.Challenge, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+challengeColumns+` FROM challenges
		WHERE purpose = 'verify' AND service_sid = $1 ORDER BY created_at DESC, seq DESC LIMIT $2`, serviceSID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: verifications: %w", err)
	}
	cs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Challenge, error) { return scanChallenge(row) })
	if err != nil {
		return nil, fmt.Errorf("store: verifications: %w", err)
	}
	return cs, nil
}

// CountVerifications returns how many verifications of a service were created at or after
// since, and how many of those were approved.
func (db *DB) CountVerifications(ctx context.Context, serviceSID string, since time.Time) (created, approved int, err error) {
	err = db.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE state = 'used') FROM challenges
		WHERE purpose = 'verify' AND service_sid = $1 AND created_at >= $2`, serviceSID, tz(since)).Scan(&created, &approved)
	if err != nil {
		return 0, 0, fmt.Errorf("store: count verifications: %w", err)
	}
	return created, approved, nil
}
