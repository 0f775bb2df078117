package phonegate

import (
	"errors"
	"fmt"
	"time"
)

// Send limits (DESIGN §2). ReserveSend enforces them in one transaction.
const (
	MaxChallengeSends = 5                // sends per challenge
	SendCooldown      = 30 * time.Second // between two sends of one challenge
	MaxNumberSends    = 10               // sends per phone number per SendWindow
	SendWindow        = time.Hour
)

// Reasons of a SendLimitError.
const (
	LimitCooldown  = "cooldown"  // the last send of the challenge was under SendCooldown ago
	LimitChallenge = "challenge" // the challenge used its MaxChallengeSends
	LimitNumber    = "number"    // the number got MaxNumberSends in the last SendWindow
)

// ErrChallengeEnded means a challenge is no longer pending: it expired, was
// used, died of wrong codes or was cancelled. Nothing more is sent for it.
var ErrChallengeEnded = errors.New("challenge has ended")

// SendLimitError is a send refused by a limit. It wraps ErrLimited and says
// which limit and when the next send is allowed, so that the page can show
// the wait.
type SendLimitError struct {
	Reason  string    // LimitCooldown, LimitChallenge, LimitNumber, or a cap of sendcaps.go
	RetryAt time.Time // when a send may be tried again; zero when never (LimitChallenge)
}

func (e *SendLimitError) Error() string {
	if e.RetryAt.IsZero() {
		return "store: send limit " + e.Reason + ": " + ErrLimited.Error()
	}
	return fmt.Sprintf("store: send limit %s until %s: %v", e.Reason, e.RetryAt.UTC().Format(time.RFC3339), ErrLimited)
}

func (e *SendLimitError) Unwrap() error { return ErrLimited }

// SendsKey is the counter key of the sends to a phone number.
func SendsKey(phone string) string { return "sends:" + phone }

// VoiceDelivery is what the voice webhook needs to answer a call: which
// challenge it speaks for, the project named in the greeting, the
// challenge's state and sealed code, and the call the delivery placed,
// read fresh at every request.
type VoiceDelivery struct {
	ID          string
	ChallengeID string
	Channel     string
	Label       string
	State       string
	ExpiresAt   time.Time
	CodeSealed  []byte // nil once the challenge has ended
	SID         string // the call's SID; empty until the REST answer or the first webhook stores it
	Status      string // the delivery's status
}

// Speakable reports whether the call may read the code at now: a call
// delivery that has not ended, of a pending, unexpired challenge that
// still has its code. Whether the request comes from the delivery's own
// call is for the caller to check against SID (see BindCallSID).
func (v VoiceDelivery) Speakable(now time.Time) bool {
	return v.Channel == ChannelCall && !DeliveryFinal(v.Status) &&
		v.State == ChallengePending && now.Before(v.ExpiresAt) && len(v.CodeSealed) > 0
}

// SendBlocks are the limits that stop every send to a number now, whoever
// asks: what the code page says before the user tries, rather than after
// a refused send. ReserveSend still decides each send.
type SendBlocks struct {
	// NumberUntil is when the number may be sent a code again after it got
	// MaxNumberSends in the last SendWindow; zero when it may now.
	NumberUntil time.Time
	// DailySMS and DailyCalls report that the server's cap of the UTC day
	// is reached for that channel (until 00:00 UTC).
	DailySMS, DailyCalls bool
}
