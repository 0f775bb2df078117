package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// sendLock is the advisory lock key every reservation of a send takes: the caps count rows of
// several keys and a row per day, which two instances must not both read under a limit.
// Reservations are few (each is a paid message or call) and short, so one queue costs nothing
// that matters ("sendlock" in ASCII).
const sendLock int64 = 0x73656e646c6f636b

// ReserveSend checks the send limits of a challenge and of its number, and the caps of its
// session, client address, account, number range and day, and, if they allow it, counts the
// send everywhere and records a queued delivery, all in one transaction under sendLock, so that
// concurrent sends on any instance cannot slip past a limit. It returns ErrChallengeEnded for a
// challenge that is not pending or has expired, and a *SendLimitError when a limit is reached.
func (db *DB) ReserveSend(ctx context.Context, req phonegate.SendRequest) (phonegate.Delivery, error) {
	var d phonegate.Delivery
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		d, err = reserveSend(ctx, tx, req)
		return err
	})
	if err != nil {
		return phonegate.Delivery{}, reserveError(err)
	}
	return d, nil
}

// reserveSend is ReserveSend inside tx.
func reserveSend(ctx context.Context, tx pgx.Tx, req phonegate.SendRequest) (phonegate.Delivery, error) {
	challengeID, channel, to, now, automatic := req.ChallengeID, req.Channel, req.To, req.Now, req.Automatic
	if channel != phonegate.ChannelSMS && channel != phonegate.ChannelCall {
		return phonegate.Delivery{}, fmt.Errorf("store: reserve send: unknown channel %q", channel)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, sendLock); err != nil {
		return phonegate.Delivery{}, err
	}
	at := tz(now)
	d := phonegate.Delivery{ID: phonegate.NewDeliveryID(), ChallengeID: challengeID, Channel: channel, To: to, Status: "queued",
		CreatedAt: at.Time, UpdatedAt: at.Time}
	if err := checkSendLimits(ctx, tx, challengeID, to, now, automatic); err != nil {
		return phonegate.Delivery{}, err
	}
	origin, err := checkSendCaps(ctx, tx, req)
	if err != nil {
		return phonegate.Delivery{}, err
	}
	if err := countSendCaps(ctx, tx, req, origin); err != nil {
		return phonegate.Delivery{}, err
	}
	if _, err := tx.Exec(ctx, `UPDATE challenges SET sends = sends + 1, last_send_at = $1 WHERE id = $2`,
		at, challengeID); err != nil {
		return phonegate.Delivery{}, err
	}
	if err := addEvent(ctx, tx, phonegate.SendsKey(to), now); err != nil {
		return phonegate.Delivery{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO deliveries (id, challenge_id, channel, to_number, status, rank,
		created_at, updated_at) VALUES ($1, $2, $3, $4, 'queued', 0, $5, $5)`, d.ID, challengeID, channel, to, at)
	return d, err
}

// reserveError passes a refusal through as it is (a *SendLimitError, ErrChallengeEnded,
// ErrNotFound) and wraps any other error.
func reserveError(err error) error {
	var le *phonegate.SendLimitError
	if errors.As(err, &le) || errors.Is(err, phonegate.ErrChallengeEnded) || errors.Is(err, phonegate.ErrNotFound) {
		return err
	}
	return fmt.Errorf("store: reserve send: %w", err)
}

// checkSendLimits returns why a send of the challenge to the number may not happen now, or nil.
func checkSendLimits(ctx context.Context, tx pgx.Tx, challengeID, to string, now time.Time, automatic bool) error {
	var state, purpose string
	var sends int
	var last, expires time.Time
	err := tx.QueryRow(ctx, `SELECT state, purpose, sends, last_send_at, expires_at FROM challenges WHERE id = $1`,
		challengeID).Scan(&state, &purpose, &sends, ts(&last), ts(&expires))
	if err != nil {
		return notFound(err, "challenge")
	}
	if state != phonegate.ChallengePending || !now.Before(expires) {
		return fmt.Errorf("store: send for challenge: %w", phonegate.ErrChallengeEnded)
	}
	if sends >= phonegate.MaxChallengeSends {
		return &phonegate.SendLimitError{Reason: phonegate.LimitChallenge}
	}
	// Verify has no wait between the sends of a verification: an app resends, or switches to a
	// call, when its user asks.
	cooled := automatic || purpose == phonegate.PurposeVerify
	if next := last.Add(phonegate.SendCooldown); !cooled && !last.IsZero() && now.Before(next) {
		return &phonegate.SendLimitError{Reason: phonegate.LimitCooldown, RetryAt: next}
	}
	at, limited, err := windowLimited(ctx, tx, phonegate.SendsKey(to), phonegate.MaxNumberSends, phonegate.SendWindow, now)
	if err != nil || !limited {
		return err
	}
	return &phonegate.SendLimitError{Reason: phonegate.LimitNumber, RetryAt: at}
}

const deliveryColumns = `id, challenge_id, channel, to_number, sid, status, error_code, created_at, updated_at`

func scanDelivery(row pgx.Row) (phonegate.Delivery, error) {
	var d phonegate.Delivery
	err := row.Scan(&d.ID, &d.ChallengeID, &d.Channel, &d.To, &d.SID, &d.Status, &d.ErrorCode, ts(&d.CreatedAt), ts(&d.UpdatedAt))
	return d, err
}

// SetDeliverySID records the SID Twilio gave the message or call.
func (db *DB) SetDeliverySID(ctx context.Context, id, sid string) error {
	tag, err := db.pool.Exec(ctx, `UPDATE deliveries SET sid = $1 WHERE id = $2`, sid, id)
	return mustAffect(tag, err, "set delivery sid")
}

// FailDelivery marks a delivery failed because the send itself was refused, with the provider's
// error code. Nothing was sent, so the send is given back to the challenge: its count drops and
// its cooldown runs from the last send that did go out. The per-number count stays.
func (db *DB) FailDelivery(ctx context.Context, id string, errorCode int, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var challengeID string
		err := tx.QueryRow(ctx, `UPDATE deliveries SET status = 'failed', rank = $1, error_code = $2, updated_at = $3
			WHERE id = $4 AND rank < $1 RETURNING challenge_id`, phonegate.RankFinal, errorCode, tz(now), id).Scan(&challengeID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already final: a refusal after a final status changes nothing
		}
		if err != nil {
			return fmt.Errorf("store: fail delivery: %w", err)
		}
		if err := addDeliveryEvent(ctx, tx, id, "failed", errorCode, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE challenges SET sends = GREATEST(sends - 1, 0),
			last_send_at = (SELECT MAX(created_at) FROM deliveries
				WHERE challenge_id = $1 AND NOT (status = 'failed' AND sid = ''))
			WHERE id = $1`, challengeID)
		if err != nil {
			return fmt.Errorf("store: fail delivery: %w", err)
		}
		return nil
	})
}

// Delivery returns a delivery by ID.
func (db *DB) Delivery(ctx context.Context, id string) (phonegate.Delivery, error) {
	d, err := scanDelivery(db.pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = $1`, id))
	if err != nil {
		return phonegate.Delivery{}, notFound(err, "delivery")
	}
	return d, nil
}

// Deliveries returns the deliveries of a challenge, oldest first.
func (db *DB) Deliveries(ctx context.Context, challengeID string) ([]phonegate.Delivery, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE challenge_id = $1 ORDER BY created_at, seq`, challengeID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	ds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Delivery, error) { return scanDelivery(row) })
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return ds, nil
}

// ClaimAutoCall marks that the automatic fallback call of a pending challenge is being placed.
// It reports true to exactly one caller per challenge, however many failure callbacks race for
// it on however many instances.
func (db *DB) ClaimAutoCall(ctx context.Context, challengeID string) (bool, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE challenges SET auto_call_done = true
		WHERE id = $1 AND NOT auto_call_done AND state = 'pending'`, challengeID)
	if err != nil {
		return false, fmt.Errorf("store: claim auto call: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
