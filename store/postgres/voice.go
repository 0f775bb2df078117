package postgres

import (
	"context"
	"fmt"

	"github.com/phonegate/phonegate"
)

// DeliveryForVoice returns what the voice webhook needs for a delivery in one read, with no
// cache in process: a challenge that ends mid-call stops reading its code at the next request,
// whichever instance serves it.
func (db *DB) DeliveryForVoice(ctx context.Context, id string) (phonegate.VoiceDelivery, error) {
	v := phonegate.VoiceDelivery{ID: id}
	err := db.pool.QueryRow(ctx, `SELECT d.challenge_id, d.channel, c.label, c.state, c.expires_at, c.code_sealed,
		d.sid, d.status FROM deliveries d JOIN challenges c ON c.id = d.challenge_id WHERE d.id = $1`, id).
		Scan(&v.ChallengeID, &v.Channel, &v.Label, &v.State, ts(&v.ExpiresAt), &v.CodeSealed, &v.SID, &v.Status)
	if err != nil {
		return phonegate.VoiceDelivery{}, notFound(err, "delivery")
	}
	return v, nil
}

// BindCallSID ties a call delivery to the call that asks for its TwiML, and reports whether
// callSID is that call. A delivery without a SID takes the first call that asks; from then on
// only that call matches. The compare and the store are one statement, so that of concurrent
// first requests of different calls exactly one is taken.
func (db *DB) BindCallSID(ctx context.Context, id, callSID string) (bool, error) {
	if callSID == "" {
		return false, nil
	}
	tag, err := db.pool.Exec(ctx, `UPDATE deliveries SET sid = $2
		WHERE id = $1 AND channel = 'call' AND (sid = '' OR sid = $2)`, id, callSID)
	if err != nil {
		return false, fmt.Errorf("store: bind call: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
