package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// ApplyStatus moves a delivery to u.Status, with the provider's error code, if that status
// ranks above the current one. It reports whether the delivery changed and returns it as it
// now is. The compare and the change are one UPDATE … WHERE rank < … RETURNING: concurrent
// callbacks on any instance queue on the delivery's row and re-check the rank, so a delivery
// never moves backwards, and each status is recorded once in delivery_events (ON CONFLICT DO
// NOTHING): a replayed callback adds nothing. An unknown delivery gives ErrNotFound.
//
// Status updates are group-committed per instance (see batcher): ApplyStatus returns once the
// transaction holding the update has committed.
func (db *DB) ApplyStatus(ctx context.Context, u phonegate.StatusUpdate) (bool, phonegate.Delivery, error) {
	rank := phonegate.DeliveryRank(u.Status)
	if rank == phonegate.RankUnknown {
		return false, phonegate.Delivery{}, fmt.Errorf("store: update delivery: unknown status %q", u.Status)
	}
	// A replay, the common case of a burst, is one read and no transaction.
	d, err := scanDelivery(db.pool.QueryRow(ctx, currentSQL, u.ID))
	if err != nil {
		return false, phonegate.Delivery{}, notFound(err, "update delivery")
	}
	if phonegate.DeliveryRank(d.Status) >= rank {
		return false, d, nil
	}
	var changed, found bool
	err = db.batched(ctx, u.ID, func(b *pgx.Batch) {
		changed, found = false, false
		b.Queue(advanceSQL, u.Status, rank, u.ErrorCode, tz(u.At), u.ID).QueryRow(func(row pgx.Row) error {
			moved, err := scanDelivery(row)
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			d, changed, found = moved, true, true
			return nil
		})
	}, func(ctx context.Context, tx pgx.Tx) error {
		if !changed {
			// Another callback got there first, or the delivery has gone: neither is an
			// error of the batch.
			var err error
			d, err = scanDelivery(tx.QueryRow(ctx, currentSQL, u.ID))
			if errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			found = err == nil
			return err
		}
		if u.Audit == nil || !phonegate.DeliveryFinal(d.Status) {
			return nil
		}
		e := u.Audit(d)
		if err := tx.QueryRow(ctx, `SELECT COALESCE(user_id, 0) FROM challenges WHERE id = $1`, d.ChallengeID).Scan(&e.UserID); err != nil {
			return fmt.Errorf("store: audit delivery: %w", err)
		}
		return addUserAudit(ctx, tx, e)
	})
	if err != nil {
		return false, phonegate.Delivery{}, fmt.Errorf("store: update delivery: %w", err)
	}
	if !found {
		return false, phonegate.Delivery{}, fmt.Errorf("store: update delivery: %w", phonegate.ErrNotFound)
	}
	return changed, d, nil
}

// advanceSQL is the compare-and-set of ApplyStatus and the event it records, in one statement
// (one round trip of the batch's connection). The error code of a status without one keeps
// the code an earlier status reported.
const advanceSQL = `WITH moved AS (
		UPDATE deliveries SET status = $1::text, rank = $2::integer,
			error_code = CASE WHEN $3::integer <> 0 THEN $3::integer ELSE error_code END, updated_at = $4::timestamptz
		WHERE id = $5::text AND rank < $2::integer RETURNING ` + deliveryColumns + `
	), recorded AS (
		INSERT INTO delivery_events (delivery_id, status, error_code, at)
		SELECT id, $1::text, $3::integer, $4::timestamptz FROM moved ON CONFLICT (delivery_id, status) DO NOTHING
	)
	SELECT ` + deliveryColumns + ` FROM moved`

// currentSQL reads a delivery as it is.
const currentSQL = `SELECT ` + deliveryColumns + ` FROM deliveries WHERE id = $1`

func addDeliveryEvent(ctx context.Context, tx pgx.Tx, id, status string, errorCode int, now time.Time) error {
	if _, err := tx.Exec(ctx, `INSERT INTO delivery_events (delivery_id, status, error_code, at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (delivery_id, status) DO NOTHING`, id, status, errorCode, tz(now)); err != nil {
		return fmt.Errorf("store: delivery event: %w", err)
	}
	return nil
}

// DeliveryEvents returns the status changes of a delivery, oldest first.
func (db *DB) DeliveryEvents(ctx context.Context, id string) ([]phonegate.DeliveryEvent, error) {
	rows, err := db.pool.Query(ctx, `SELECT status, error_code, at FROM delivery_events
		WHERE delivery_id = $1 ORDER BY at, seq`, id)
	if err != nil {
		return nil, fmt.Errorf("store: delivery events: %w", err)
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.DeliveryEvent, error) {
		var e phonegate.DeliveryEvent
		err := row.Scan(&e.Status, &e.ErrorCode, ts(&e.At))
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: delivery events: %w", err)
	}
	return es, nil
}

// arrivedSQL is an SQL condition on a deliveries row: its status says the code reached the
// phone (phonegate.DeliveryOutcome), built once from the known statuses so that the store and
// the domain cannot disagree.
var arrivedSQL = func() string {
	var conds []string
	for _, ch := range []string{phonegate.ChannelSMS, phonegate.ChannelCall} {
		var in []string
		for _, st := range phonegate.DeliveryStatuses() {
			if phonegate.DeliveryOutcome(ch, st) == phonegate.OutcomeArrived {
				in = append(in, "'"+st+"'")
			}
		}
		conds = append(conds, "(channel = '"+ch+"' AND status IN ("+strings.Join(in, ", ")+"))")
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}()
