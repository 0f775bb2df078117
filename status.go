package phonegate

import (
	"slices"
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

// Outcome is what a delivery's status says of its code: on its way still,
// at the phone, or never to reach it.
type Outcome int

// Outcomes of a delivery (DeliveryOutcome).
const (
	OutcomePending Outcome = iota // not final yet, or a status phonegate does not know
	OutcomeArrived                // the text was delivered or read; the call was answered
	OutcomeFailed                 // the code will not reach the phone by this delivery
)

// arrived and failed are the statuses of each channel that DeliveryOutcome
// names; every other status is pending.
var (
	arrived = map[string]map[string]bool{
		ChannelSMS:  {"delivered": true, "read": true},
		ChannelCall: {"in-progress": true, "answered": true, "completed": true},
	}
	failed = map[string]map[string]bool{
		ChannelSMS:  {"undelivered": true, "failed": true, "canceled": true},
		ChannelCall: {"failed": true, "busy": true, "no-answer": true, "canceled": true},
	}
)

// DeliveryOutcome returns the outcome of a delivery by channel in status.
// It is the one definition: the automatic call after a text, the code
// page, its JSON status, the audit log and the store's choice of the
// preferred channel all derive from it.
func DeliveryOutcome(channel, status string) Outcome {
	switch {
	case arrived[channel][status]:
		return OutcomeArrived
	case failed[channel][status]:
		return OutcomeFailed
	}
	return OutcomePending
}

// DeliveryStatuses returns every status phonegate knows, sorted, so that a
// store can list the statuses of an outcome (DeliveryOutcome) in a query.
func DeliveryStatuses() []string {
	out := make([]string, 0, len(statusRanks))
	for st := range statusRanks {
		out = append(out, st)
	}
	slices.Sort(out)
	return out
}
