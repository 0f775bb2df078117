package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

// ApplyStatus moves a delivery to u.Status, with the provider's error
// code, if that status ranks above the current one. It reports whether the
// delivery changed and returns it as it now is. The compare and the change
// are one UPDATE, so concurrent callbacks cannot move a delivery
// backwards, and each status is recorded once in delivery_events: a
// replayed callback adds nothing. An unknown delivery gives ErrNotFound.
//
// Status updates are group-committed (see batcher): ApplyStatus returns
// once the transaction holding the update has committed.
func (db *DB) ApplyStatus(ctx context.Context, u phonegate.StatusUpdate) (bool, phonegate.Delivery, error) {
	rank := phonegate.DeliveryRank(u.Status)
	if rank == phonegate.RankUnknown {
		return false, phonegate.Delivery{}, fmt.Errorf("store: update delivery: unknown status %q", u.Status)
	}
	h := db.hot
	if h.replay(u.ID, rank) {
		// A replay of a status this process has committed: the read
		// pool answers, and the writer is not woken. The read is the
		// truth; the hint only decides whether to look.
		d, err := scanDelivery(read(ctx, h.currentRead, u.ID))
		if err == nil && phonegate.DeliveryRank(d.Status) >= rank {
			return false, d, nil
		}
	}
	var d phonegate.Delivery
	var changed, found bool
	err := db.batched(ctx, func(ctx context.Context, tx *sql.Tx) error {
		changed, found = false, false
		var err error
		d, err = scanDelivery(tx.StmtContext(ctx, h.advance).QueryRowContext(ctx, u.Status, rank, u.ErrorCode, u.At.Unix(), u.ID, rank))
		switch {
		case err == nil:
			changed, found = true, true
			if _, err := tx.StmtContext(ctx, h.event).ExecContext(ctx, u.ID, u.Status, u.ErrorCode, u.At.Unix()); err != nil {
				return fmt.Errorf("store: delivery event: %w", err)
			}
			if u.Audit != nil && phonegate.DeliveryFinal(d.Status) {
				e := u.Audit(d)
				if err := tx.StmtContext(ctx, h.challengeUser).QueryRowContext(ctx, d.ChallengeID).Scan(&e.UserID); err != nil {
					return fmt.Errorf("store: audit delivery: %w", err)
				}
				if _, err := tx.StmtContext(ctx, h.userAudit).ExecContext(ctx, userAuditArgs(e)...); err != nil {
					return fmt.Errorf("store: audit delivery: %w", err)
				}
			}
			return nil
		case errors.Is(err, sql.ErrNoRows):
			// Unchanged, or unknown: neither is an error of the batch.
			d, err = scanDelivery(tx.StmtContext(ctx, h.current).QueryRowContext(ctx, u.ID))
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			found = err == nil
			return err
		default:
			return err
		}
	})
	if err != nil {
		return false, phonegate.Delivery{}, fmt.Errorf("store: update delivery: %w", err)
	}
	if !found {
		return false, phonegate.Delivery{}, fmt.Errorf("store: update delivery: %w", phonegate.ErrNotFound)
	}
	h.committed(d.ID, phonegate.DeliveryRank(d.Status))
	return changed, d, nil
}

// maxRanks bounds the replay hints. Twilio replays a callback within
// minutes, so dropping them all when full costs at most one write per
// delivery still being reported.
const maxRanks = 16384

// replay reports whether this process has committed rank or above for
// the delivery, so that an update to rank would change nothing. Ranks
// only rise, so a hint never goes stale; it can only be missing.
func (h *hotPath) replay(id string, rank int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.ranks[id]
	return ok && r >= rank
}

// committed records that the delivery's committed rank is at least rank.
func (h *hotPath) committed(id string, rank int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ranks[id] >= rank {
		return
	}
	if len(h.ranks) >= maxRanks {
		clear(h.ranks)
	}
	h.ranks[id] = rank
}

// advanceSQL is the compare-and-set of ApplyStatus. The error code
// of a status without one keeps the code an earlier status reported.
const advanceSQL = `UPDATE deliveries SET status = ?1, rank = ?2,
	error_code = CASE WHEN ?3 != 0 THEN ?3 ELSE error_code END, updated_at = ?4
	WHERE id = ?5 AND rank < ?6 RETURNING ` + deliveryColumns

func addDeliveryEvent(ctx context.Context, tx *sql.Tx, id, status string, errorCode int, now time.Time) error {
	if _, err := tx.ExecContext(ctx, eventSQL, id, status, errorCode, now.Unix()); err != nil {
		return fmt.Errorf("store: delivery event: %w", err)
	}
	return nil
}

// The other statements of ApplyStatus, prepared when the database opens
// (see hotPath).
const (
	eventSQL = `INSERT INTO delivery_events (delivery_id, status, error_code, at)
		VALUES (?, ?, ?, ?) ON CONFLICT (delivery_id, status) DO NOTHING`
	currentSQL       = `SELECT ` + deliveryColumns + ` FROM deliveries WHERE id = ?`
	challengeUserSQL = `SELECT COALESCE(user_id, 0) FROM challenges WHERE id = ?`
)

// DeliveryEvents returns the status changes of a delivery, oldest first.
func (db *DB) DeliveryEvents(ctx context.Context, id string) ([]phonegate.DeliveryEvent, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT status, error_code, at FROM delivery_events
		WHERE delivery_id = ? ORDER BY at, rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("store: delivery events: %w", err)
	}
	defer rows.Close()
	var es []phonegate.DeliveryEvent
	for rows.Next() {
		var e phonegate.DeliveryEvent
		var at int64
		if err := rows.Scan(&e.Status, &e.ErrorCode, &at); err != nil {
			return nil, fmt.Errorf("store: delivery events: %w", err)
		}
		e.At = unix(at)
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: delivery events: %w", err)
	}
	return es, nil
}

// arrivedSQL is an SQL condition on a deliveries row: its status says the
// code reached the phone (phonegate.DeliveryOutcome), built once from the
// known statuses so that the store and the domain cannot disagree.
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
