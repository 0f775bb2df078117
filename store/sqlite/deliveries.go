package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// ReserveSend checks the send limits of a challenge and of its number,
// and the caps of its session, client address, account, number range and
// day (sendcaps.go), and, if they allow it, counts the send everywhere and
// records a queued delivery, all in one transaction so that concurrent
// sends cannot slip past a limit. An automatic send (the fallback call
// after a failed SMS) is exempt from the cooldown but counts like any
// other. It returns ErrChallengeEnded for a challenge that is not pending
// or has expired, and a *SendLimitError when a limit is reached.
func (db *DB) ReserveSend(ctx context.Context, req phonegate.SendRequest) (phonegate.Delivery, error) {
	var d phonegate.Delivery
	err := db.tx(ctx, func(tx *sql.Tx) error {
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
func reserveSend(ctx context.Context, tx *sql.Tx, req phonegate.SendRequest) (phonegate.Delivery, error) {
	challengeID, channel, to, now, automatic := req.ChallengeID, req.Channel, req.To, req.Now, req.Automatic
	if channel != phonegate.ChannelSMS && channel != phonegate.ChannelCall {
		return phonegate.Delivery{}, fmt.Errorf("store: reserve send: unknown channel %q", channel)
	}
	d := phonegate.Delivery{ID: phonegate.NewDeliveryID(), ChallengeID: challengeID, Channel: channel, To: to, Status: "queued",
		CreatedAt: unix(now.Unix()), UpdatedAt: unix(now.Unix())}
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
	if _, err := tx.ExecContext(ctx, `UPDATE challenges SET sends = sends + 1, last_send_at = ? WHERE id = ?`,
		now.Unix(), challengeID); err != nil {
		return phonegate.Delivery{}, err
	}
	if err := addEvent(ctx, tx, phonegate.SendsKey(to), now); err != nil {
		return phonegate.Delivery{}, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO deliveries (id, challenge_id, channel, to_number, status, rank,
		created_at, updated_at) VALUES (?, ?, ?, ?, 'queued', 0, ?, ?)`, d.ID, challengeID, channel, to, now.Unix(), now.Unix())
	return d, err
}

// reserveError passes a refusal through as it is (a *SendLimitError,
// ErrChallengeEnded, ErrNotFound) and wraps any other error.
func reserveError(err error) error {
	var le *phonegate.SendLimitError
	if errors.As(err, &le) || errors.Is(err, phonegate.ErrChallengeEnded) || errors.Is(err, phonegate.ErrNotFound) {
		return err
	}
	return fmt.Errorf("store: reserve send: %w", err)
}

// checkSendLimits returns why a send of the challenge to the number may not
// happen now, or nil.
func checkSendLimits(ctx context.Context, tx *sql.Tx, challengeID, to string, now time.Time, automatic bool) error {
	var state, purpose string
	var sends int
	var last, expires int64
	err := tx.QueryRowContext(ctx, `SELECT state, purpose, sends, last_send_at, expires_at FROM challenges WHERE id = ?`,
		challengeID).Scan(&state, &purpose, &sends, &last, &expires)
	if err != nil {
		return notFound(err, "challenge")
	}
	if state != phonegate.ChallengePending || now.Unix() >= expires {
		return fmt.Errorf("store: send for challenge: %w", phonegate.ErrChallengeEnded)
	}
	if sends >= phonegate.MaxChallengeSends {
		return &phonegate.SendLimitError{Reason: phonegate.LimitChallenge}
	}
	// Verify has no wait between the sends of a verification: an app
	// resends, or switches to a call, when its user asks.
	cooled := automatic || purpose == phonegate.PurposeVerify
	if next := time.Unix(last, 0).Add(phonegate.SendCooldown); !cooled && last != 0 && now.Before(next) {
		return &phonegate.SendLimitError{Reason: phonegate.LimitCooldown, RetryAt: next.UTC()}
	}
	// The window is the hour before now, open at its start: a send exactly
	// an hour old has left it, so RetryAt below is when a send may go.
	since := now.Add(-phonegate.SendWindow + time.Second)
	n, err := countEvents(ctx, tx, phonegate.SendsKey(to), since)
	if err != nil {
		return err
	}
	if n < phonegate.MaxNumberSends {
		return nil
	}
	// The window frees a slot when the oldest send that keeps the count at
	// the limit leaves it.
	var at int64
	err = tx.QueryRowContext(ctx, `SELECT at FROM counter_events WHERE key = ? AND at >= ? ORDER BY at LIMIT 1 OFFSET ?`,
		phonegate.SendsKey(to), since.Unix(), n-phonegate.MaxNumberSends).Scan(&at)
	if err != nil {
		return fmt.Errorf("store: send window: %w", err)
	}
	return &phonegate.SendLimitError{Reason: phonegate.LimitNumber, RetryAt: time.Unix(at, 0).Add(phonegate.SendWindow).UTC()}
}

const deliveryColumns = `id, challenge_id, channel, to_number, sid, status, error_code, created_at, updated_at`

func scanDelivery(row interface{ Scan(...any) error }) (phonegate.Delivery, error) {
	var d phonegate.Delivery
	var created, updated int64
	err := row.Scan(&d.ID, &d.ChallengeID, &d.Channel, &d.To, &d.SID, &d.Status, &d.ErrorCode, &created, &updated)
	d.CreatedAt, d.UpdatedAt = unix(created), unix(updated)
	return d, err
}

// SetDeliverySID records the SID Twilio gave the message or call.
func (db *DB) SetDeliverySID(ctx context.Context, id, sid string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE deliveries SET sid = ? WHERE id = ?`, sid, id)
	if err != nil {
		return fmt.Errorf("store: set delivery sid: %w", err)
	}
	return mustAffect(res, "delivery")
}

// FailDelivery marks a delivery failed because the send itself was refused
// (the API answered an error), with the provider's error code. Nothing was
// sent, so the send is given back to the challenge: its count drops and its
// cooldown runs from the last send that did go out. The per-number count
// stays, so refused sends still cannot hammer the API.
func (db *DB) FailDelivery(ctx context.Context, id string, errorCode int, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var challengeID string
		err := tx.QueryRowContext(ctx, `UPDATE deliveries SET status = 'failed', rank = ?, error_code = ?, updated_at = ?
			WHERE id = ? AND rank < ? RETURNING challenge_id`, phonegate.RankFinal, errorCode, now.Unix(), id, phonegate.RankFinal).Scan(&challengeID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // already final: a refusal after a final status changes nothing
		}
		if err != nil {
			return fmt.Errorf("store: fail delivery: %w", err)
		}
		if err := addDeliveryEvent(ctx, tx, id, "failed", errorCode, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE challenges SET sends = MAX(sends - 1, 0),
			last_send_at = COALESCE((SELECT MAX(created_at) FROM deliveries
				WHERE challenge_id = ?1 AND NOT (status = 'failed' AND sid = '')), 0)
			WHERE id = ?1`, challengeID)
		if err != nil {
			return fmt.Errorf("store: fail delivery: %w", err)
		}
		return nil
	})
}

// Delivery returns a delivery by ID.
func (db *DB) Delivery(ctx context.Context, id string) (phonegate.Delivery, error) {
	d, err := scanDelivery(db.read.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id))
	if err != nil {
		return phonegate.Delivery{}, notFound(err, "delivery")
	}
	return d, nil
}

// Deliveries returns the deliveries of a challenge, oldest first.
func (db *DB) Deliveries(ctx context.Context, challengeID string) ([]phonegate.Delivery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE challenge_id = ? ORDER BY created_at, rowid`, challengeID)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var ds []phonegate.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	return ds, nil
}

// ClaimAutoCall marks that the automatic fallback call of a pending
// challenge is being placed. It reports true to exactly one caller per
// challenge, however many failure callbacks race for it.
func (db *DB) ClaimAutoCall(ctx context.Context, challengeID string) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE challenges SET auto_call_done = 1
		WHERE id = ? AND auto_call_done = 0 AND state = 'pending'`, challengeID)
	if err != nil {
		return false, fmt.Errorf("store: claim auto call: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim auto call: %w", err)
	}
	return n == 1, nil
}
