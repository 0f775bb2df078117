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
