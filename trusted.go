package phonegate

import (
	"time"
)

// TrustedComputer is a browser that passed the second factor and may skip
// it, within its project's level, until the server says otherwise. The
// cookie's token is never stored: only its hash, which names the record.
type TrustedComputer struct {
	TokenHash []byte
	UserID    int64
	UserAgent string
	CreatedAt time.Time
	LastMFAAt time.Time // when the code was last passed on this computer
}
