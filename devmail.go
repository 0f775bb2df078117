package phonegate

import (
	"time"
)

// DevMail is one message delivered to the dev mailbox, dev mode's stand-in
// for an SMTP server.
type DevMail struct {
	ID        int64
	To        string
	Kind      string
	Sealed    []byte // the subject and bodies, sealed by the caller
	CreatedAt time.Time
}
