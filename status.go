package phonegate

import (
	"time"
)

// Ranks of delivery statuses. A status update never lowers a delivery's
// rank, so callbacks that Twilio sends out of order or twice leave the
// latest state in place: a late "sent" after "delivered" changes nothing.
// Statuses of equal rank do not replace each other either, so the first
// final status wins.
const (
	RankQueued  = 0 // accepted, scheduled, queued; a call's initiated
	RankSending = 1 // sending; a call's ringing
	RankSent    = 2 // sent; a call's in-progress (answered)
	RankFinal   = 3 // delivered, undelivered, failed, read; completed, busy, no-answer, canceled
	RankUnknown = -1
)

var statusRanks = map[string]int{
	"accepted": RankQueued, "scheduled": RankQueued, "queued": RankQueued, "initiated": RankQueued,
	"sending": RankSending, "ringing": RankSending,
	"sent": RankSent, "in-progress": RankSent, "answered": RankSent,
	"delivered": RankFinal, "undelivered": RankFinal, "failed": RankFinal, "read": RankFinal,
	"completed": RankFinal, "busy": RankFinal, "no-answer": RankFinal, "canceled": RankFinal,
}

// DeliveryRank returns the rank of a Twilio message or call status, or -1
// for a status phonegate does not know (and does not store).
func DeliveryRank(status string) int {
	if r, ok := statusRanks[status]; ok {
		return r
	}
	return RankUnknown
}

// DeliveryFinal reports whether a status is final: nothing follows it.
func DeliveryFinal(status string) bool { return DeliveryRank(status) == RankFinal }

// StatusUpdate is what a status callback reports of a delivery.
type StatusUpdate struct {
	ID        string
	Status    string
	ErrorCode int // the provider's error code; 0 for none
	At        time.Time
	// Audit, if set, gives the audit event of the update that makes the
	// delivery final. It is written, about the challenge's user, in the
	// same transaction as the status. It runs inside the store's write
	// and must only compute the event.
	Audit func(Delivery) AuditEvent
}

// DeliveryEvent is one recorded status change of a delivery.
type DeliveryEvent struct {
	Status    string
	ErrorCode int
	At        time.Time
}
