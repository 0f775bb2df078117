package phonegate

import (
	"time"
)

// DevPhoneEntry is one message or call that the dev phone, dev mode's
// stand-in for Twilio, was asked to send.
type DevPhoneEntry struct {
	ID        int64
	Kind      string // ChannelSMS or ChannelCall
	SID       string // the fake message or call SID handed back to the sender
	To        string
	Body      string // what the SMS said, as the dev phone chose to keep it; empty for a call
	URL       string // the call's TwiML URL; empty for an SMS
	Callback  string // the status callback URL
	CreatedAt time.Time
	// Direction is DevPhoneOut for what the server sent to the phone To,
	// DevPhoneIn for a message the phone To sent to the server.
	Direction string
}

// The directions of a dev phone entry.
const (
	DevPhoneOut = "out"
	DevPhoneIn  = "in"
)
