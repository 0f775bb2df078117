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
