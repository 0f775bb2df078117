package sqlite

import (
	"context"
	"fmt"

	"github.com/phonegate/phonegate"
)

// DeliveryForVoice returns what the voice webhook needs for a delivery in
// one read. What never changes for a delivery (its challenge, channel and
// label) is cached in process; the state, sealed code, SID and status
// never are, so a challenge that ends mid-call stops reading its code at
// the next request, whichever process serves it.
func (db *DB) DeliveryForVoice(ctx context.Context, id string) (phonegate.VoiceDelivery, error) {
	h := db.hot
	v := phonegate.VoiceDelivery{ID: id}
	var expires int64
	if st, ok := h.cached(id); ok {
		v.ChallengeID, v.Channel, v.Label = st.challengeID, st.channel, st.label
		err := read(ctx, h.voiceState, st.challengeID, id).Scan(&v.State, &expires, &v.CodeSealed, &v.SID, &v.Status)
		if err != nil {
			return phonegate.VoiceDelivery{}, notFound(err, "delivery")
		}
	} else {
		err := read(ctx, h.voice, id).Scan(&v.ChallengeID, &v.Channel, &v.Label, &v.State, &expires, &v.CodeSealed,
			&v.SID, &v.Status)
		if err != nil {
			return phonegate.VoiceDelivery{}, notFound(err, "delivery")
		}
		h.remember(id, voiceStatic{challengeID: v.ChallengeID, channel: v.Channel, label: v.Label})
	}
	v.ExpiresAt = unix(expires)
	return v, nil
}

// The voice reads look the challenge up with scalar subqueries rather
// than a join: with the SQLite this is built with, a prepared join is
// compiled again at every run (BenchmarkDeliveryForVoice: about 18 µs a
// read as a join, 11 µs this way), while single-table statements with
// subqueries keep their program.
const (
	voiceSQL = `SELECT challenge_id, channel,
		(SELECT label FROM challenges WHERE id = d.challenge_id),
		(SELECT state FROM challenges WHERE id = d.challenge_id),
		(SELECT expires_at FROM challenges WHERE id = d.challenge_id),
		(SELECT code_sealed FROM challenges WHERE id = d.challenge_id),
		sid, status
		FROM deliveries d WHERE id = ?`
	voiceStateSQL = `SELECT
		(SELECT state FROM challenges WHERE id = ?1),
		(SELECT expires_at FROM challenges WHERE id = ?1),
		(SELECT code_sealed FROM challenges WHERE id = ?1),
		sid, status
		FROM deliveries WHERE id = ?2`
)

// BindCallSID ties a call delivery to the call that asks for its TwiML,
// and reports whether callSID is that call. Twilio may request the TwiML
// before the REST answer carrying the call's SID is stored, so a delivery
// without a SID takes the first call that asks; from then on, as when the
// REST answer came first, only that call matches. The compare and the
// store are one statement, so that of concurrent first requests of
// different calls exactly one is taken.
func (db *DB) BindCallSID(ctx context.Context, id, callSID string) (bool, error) {
	if callSID == "" {
		return false, nil
	}
	res, err := db.write.ExecContext(ctx, `UPDATE deliveries SET sid = ?2
		WHERE id = ?1 AND channel = 'call' AND (sid = '' OR sid = ?2)`, id, callSID)
	if err != nil {
		return false, fmt.Errorf("store: bind call: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: bind call: %w", err)
	}
	return n == 1, nil
}
