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
