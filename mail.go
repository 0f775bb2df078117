package phonegate

import (
	"fmt"
	"time"
)

// Mail is one message of the mail queue. Its subject and bodies are
// sealed by the caller (Sealed); the store never sees them in clear.
type Mail struct {
	ID        int64
	To        string
	Kind      string // what the message is about, for logs: "invite", "password-changed", …
	Sealed    []byte // nil once the message was sent
	Dedupe    string // "" or a key that allows one message ever
	Attempts  int
	NextAt    time.Time // when the next attempt is due
	SentAt    time.Time // zero until sent
	FailedAt  time.Time // zero unless given up
	LastError string
	CreatedAt time.Time
}

// FailedCodeKey counts the wrong codes of one login session (by its token
// hash, never the token).
func FailedCodeKey(sessionHash []byte) string { return fmt.Sprintf("code-fail:%x", sessionHash) }

// DevMail is one message delivered to the dev mailbox, dev mode's stand-in
// for an SMTP server.
type DevMail struct {
	ID        int64
	To        string
	Kind      string
	Sealed    []byte // the subject and bodies, sealed by the caller
	CreatedAt time.Time
}

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
