package phonegate

import (
	"errors"
	"strconv"
)

// What became of a code the service was asked to send, as an Observer
// hears it in CodeSent.
const (
	SendSent    = "sent"    // the provider took the message or call
	SendLimited = "limited" // a send limit refused it (ErrLimited)
	SendRefused = "refused" // nothing to send to: the number opted out, or the challenge ended
	SendFailed  = "failed"  // the provider refused it, or the server failed
)

// Observer hears what the service does, for the operator's figures (the
// metrics package counts them for Prometheus). Every method is called on
// the request's own path and must return at once, without I/O. Its labels
// are bounded: channels are ChannelSMS or ChannelCall, outcomes the Send
// constants, statuses those Twilio's callbacks may report.
type Observer interface {
	// CodeSent hears the outcome of a send of a code by channel.
	CodeSent(channel, outcome string)
	// DeliveryStatus hears a status a callback moved a delivery of channel
	// to, with the provider's error code (0 for none): once per change,
	// never for a repeated or older status.
	DeliveryStatus(channel, status string, errorCode int)
	// Locked hears that failed second-factor attempts locked a user.
	Locked()
	// VerificationCreated hears that the Verify API started a
	// verification by channel.
	VerificationCreated(channel string)
	// VerificationApproved hears that the Verify API approved a
	// verification by channel; with VerificationCreated it gives the
	// conversion rate.
	VerificationApproved(channel string)
}

// NopObserver hears nothing; it is the Observer of a Service whose Config
// names none.
type NopObserver struct{}

func (NopObserver) CodeSent(channel, outcome string)                     {}
func (NopObserver) DeliveryStatus(channel, status string, errorCode int) {}
func (NopObserver) Locked()                                              {}
func (NopObserver) VerificationCreated(channel string)                   {}
func (NopObserver) VerificationApproved(channel string)                  {}

// ErrorCodeLabel is the provider's error code as a bounded label: "none"
// for none, the number for a code the product knows (the table behind
// DeliveryWords), "other" for any other.
func ErrorCodeLabel(code int) string {
	switch _, known := twilioErrors[code]; {
	case code <= 0:
		return "none"
	case known:
		return strconv.Itoa(code)
	}
	return "other"
}

// sendOutcome classifies what a send returned for CodeSent.
func sendOutcome(err error) string {
	switch {
	case err == nil:
		return SendSent
	case errors.Is(err, ErrLimited):
		return SendLimited
	case errors.Is(err, ErrOptedOut), errors.Is(err, ErrChallengeEnded):
		return SendRefused
	}
	return SendFailed
}
