package phonegate

import (
	"context"
	"errors"
	"fmt"
)

// Sender sends a code by SMS or places the call that speaks it. The
// twilio-go adapter in cmd/phonegate implements it against Twilio's REST API;
// the dev phone implements it in dev mode by recording sends in the store.
type Sender interface {
	// SendSMS sends a text message and returns the message SID.
	SendSMS(ctx context.Context, m SMS) (sid string, err error)
	// PlaceCall starts an outbound call and returns the call SID.
	PlaceCall(ctx context.Context, c Call) (sid string, err error)
}

// SMS is one outbound text message.
type SMS struct {
	To             string // E.164
	Body           string
	StatusCallback string // absolute URL, carries only the opaque delivery ID
}

// Call is one outbound voice call.
type Call struct {
	To             string // E.164
	URL            string // absolute URL Twilio fetches when the call is answered
	StatusCallback string // absolute URL for initiated, ringing, answered, completed
	Timeout        int    // seconds to let the phone ring
}

// Reasons a send can fail, as reported by a Sender. A Sender wraps one of
// them in a *SendError so that handlers can explain the failure in words.
var (
	ErrOptedOut      = errors.New("the number has opted out of text messages")
	ErrInvalidNumber = errors.New("the number is not a valid phone number")
	ErrNoSMS         = errors.New("the number cannot receive text messages")
	ErrNoRoute       = errors.New("messages or calls to this number are not permitted")
	ErrCredentials   = errors.New("the Twilio credentials were refused")
	ErrSendFailed    = errors.New("the message or call could not be sent")
)

// SendError is a failed send: the provider's error code and the reason it
// maps to. errors.Is(err, ErrOptedOut) and the like work through it.
type SendError struct {
	Code   int    // the provider's error code, 0 when there is none
	Reason error  // one of the Err* reasons above
	Detail string // the provider's message, for logs and audit; never shown raw
}

func (e *SendError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("send failed (code %d): %v", e.Code, e.Reason)
	}
	return fmt.Sprintf("send failed: %v", e.Reason)
}

func (e *SendError) Unwrap() error { return e.Reason }
