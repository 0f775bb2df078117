package phonegate

import (
	"time"
)

// Session is a logged-in browser. The token itself is never stored: only
// its hash, which is the session's key.
type Session struct {
	TokenHash     []byte
	UserID        int64
	CSRFToken     string
	MFAAt         time.Time // when the second factor was last passed in this session; zero if never
	ElevatedUntil time.Time // "Authenticate to make changes" lasts until then
	UserAgent     string
	CreatedAt     time.Time
	LastSeenAt    time.Time
}
