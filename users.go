package phonegate

import (
	"time"
)

// User is a person who can log in.
type User struct {
	ID               int64
	Email            string
	PasswordHash     string // PHC string; empty until an invite is accepted
	Phone            string // E.164; empty when none was ever verified
	PhoneVerified    bool
	PreferredChannel string // "sms" or "call": the last method that worked
	EmergencyHash    string // PHC string of the emergency code; empty when none
	MFAFailures      int    // consecutive second-factor failures
	MFALockedUntil   time.Time
	CreatedAt        time.Time
}

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

// Setting keys.
const (
	// SettingSetupToken holds the hash of the one-time setup token while no
	// user exists.
	SettingSetupToken = "setup_token_hash"
)
