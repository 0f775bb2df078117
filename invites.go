package phonegate

import (
	"time"
)

// Invite is a one-time link that lets a new member choose a password.
type Invite struct {
	UserID    int64
	Email     string
	ProjectID int64 // 0 when the invite is for no particular project
	ExpiresAt time.Time
}

// InviteResult is what an invitation did to the account of its address.
type InviteResult struct {
	User       User
	NewAccount bool // the address had no account: one was made
	// Link reports that a one-time invite of the given token hash was made:
	// for a new account, or afresh for an account that never chose its
	// password (its older unused invite no longer works).
	Link bool
}
