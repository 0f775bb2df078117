package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync/atomic"
	"time"
)

// callSID and messageSID give each seeded delivery the SID Twilio would
// have given it.
func callSID(i int) string    { return fmt.Sprintf("CA%032x", i) }
func messageSID(i int) string { return fmt.Sprintf("SM%032x", i) }

// voiceWorkload answers calls: each request is Twilio fetching a random
// seeded call's TwiML.
type voiceWorkload struct{ ds []delivery }

func (w *voiceWorkload) next(ctx context.Context) (item, bool) {
	i := rand.IntN(len(w.ds))
	d := w.ds[i]
	return item{path: "/twilio/voice?d=" + url.QueryEscape(d.ID), form: voiceForm(callSID(i), d.To)}, true
}

func (w *voiceWorkload) done(item, int, error) {}

// statusCycle is the order in which Twilio reports an SMS's progress.
var statusCycle = [...]string{"queued", "sent", "delivered"}

// statusWorkload sends message status callbacks as a stream of messages
// would: message m hears queued at step m, sent at step m+L and delivered
// at step m+2L, so that every stretch of the stream mixes the three
// statuses in equal parts, each status write path weighing the same at
// every level. Message m is delivery m mod N; once all deliveries are used
// the stream goes round again, and those callbacks are replays (counted),
// which cost the server less than first updates: the seed should hold
// enough deliveries for a run. The statuses of one delivery are about 3L
// requests apart, far more than any concurrency; on top of that a callback
// waits until the previous one for its delivery has been answered, so that
// each delivery's callbacks reach the server in order and what the
// database must hold afterwards can be worked out exactly (verifyStatuses).
type statusWorkload struct {
	ds    []delivery
	lag   int64 // L: min(N/3, maxLag)
	limit int64 // callbacks in all; 0 for no bound but the level's
	track bool  // keep the outcomes for verifyStatuses

	seq     atomic.Int64   // position in the stream: step*3 + status
	issued  atomic.Int64   // callbacks handed out
	stage   []atomic.Int32 // per delivery: callbacks answered (or given up)
	log     [][]outcome    // per delivery, in order; written only by the callback whose turn it is
	sent    atomic.Int64   // answers with a 2xx
	replays atomic.Int64   // callbacks of a second or later round
}

// maxLag keeps the stream's first round as long as the deliveries allow:
// 3N-3L callbacks come before the first replay.
const maxLag = 2048

// outcome is what became of one status callback.
type outcome struct {
	status string
	how    int // applied, ambiguous or skipped
}

const (
	applied   = iota // 2xx: the server says it took it
	ambiguous        // no answer or an error status: it may or may not have been stored
	skipped          // never sent (errNotSent), or given up waiting for its turn
)

type statusTag struct {
	d     int
	stage int32
}

// newStatusWorkload needs at least 3 deliveries.
func newStatusWorkload(ds []delivery, limit int, track bool) *statusWorkload {
	w := &statusWorkload{ds: ds, lag: int64(min(len(ds)/3, maxLag)), limit: int64(limit), track: track,
		stage: make([]atomic.Int32, len(ds))}
	if track {
		w.log = make([][]outcome, len(ds))
	}
	return w
}

// gateWait bounds the wait for the previous callback of a delivery. It is
// longer than the client's timeout, so it only runs out if something is
// badly wrong; the callback is then skipped.
const gateWait = requestTimeout + 5*time.Second

func (w *statusWorkload) next(ctx context.Context) (item, bool) {
	for {
		d, stage, ok := w.position(w.seq.Add(1) - 1)
		if !ok {
			continue // before the stream is full: this message does not exist
		}
		if w.limit > 0 && w.issued.Add(1) > w.limit {
			return item{}, false
		}
		status := statusCycle[int(stage)%len(statusCycle)]
		if int(stage) >= len(statusCycle) {
			w.replays.Add(1)
		}
		if !w.waitTurn(ctx, d, stage) {
			w.finish(d, stage, status, skipped)
			if ctx.Err() != nil {
				return item{}, false
			}
			continue
		}
		dl := w.ds[d]
		return item{
			path: "/twilio/sms/status?d=" + url.QueryEscape(dl.ID),
			form: smsStatusForm(messageSID(d), dl.To, status),
			tag:  statusTag{d: d, stage: stage},
		}, true
	}
}

// position maps the n-th position of the stream to a delivery and its
// stage (3 per round: queued, sent, delivered). Since 2L < N, the stages of
// one delivery come in order along the stream.
func (w *statusWorkload) position(n int64) (d int, stage int32, ok bool) {
	step, s := n/3, n%3
	m := step - s*w.lag
	if m < 0 {
		return 0, 0, false
	}
	N := int64(len(w.ds))
	return int(m % N), int32(m/N*3 + s), true
}

// waitTurn waits until the delivery's previous callback has been answered.
func (w *statusWorkload) waitTurn(ctx context.Context, d int, stage int32) bool {
	give := time.Now().Add(gateWait)
	for w.stage[d].Load() != stage {
		if ctx.Err() != nil || time.Now().After(give) {
			return false
		}
		time.Sleep(100 * time.Microsecond)
	}
	return true
}

func (w *statusWorkload) done(it item, status int, err error) {
	tag := it.tag.(statusTag)
	how := ambiguous
	switch {
	case errors.Is(err, errNotSent):
		how = skipped
	case err == nil && status >= 200 && status <= 299:
		how = applied
		w.sent.Add(1)
	}
	w.finish(tag.d, tag.stage, it.form.Get("MessageStatus"), how)
}

// finish records the outcome and lets the delivery's next callback go. A
// skipped callback waits for its turn first, so that the log stays in order.
func (w *statusWorkload) finish(d int, stage int32, status string, how int) {
	if how == skipped {
		w.waitTurn(context.Background(), d, stage)
	}
	if w.track {
		w.log[d] = append(w.log[d], outcome{status: status, how: how})
	}
	w.stage[d].Store(stage + 1)
}
