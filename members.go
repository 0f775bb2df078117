package phonegate

import (
	"errors"
	"time"
)

// ErrPending is returned for an action that needs the user's consent to a
// membership they have not accepted yet.
var ErrPending = errors.New("the member has not accepted the invitation yet")

// Invitation is a membership that waits for its user to accept it.
type Invitation struct {
	Project   Project
	Role      string
	InvitedBy string // the email of who added the user; empty when unknown
	At        time.Time
}
