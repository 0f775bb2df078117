package phonegate

import (
	"errors"
	"time"
)

// Why a user's new phone is bound to one session (DESIGN §1.5, §1.10).
const (
	ReenrollEmergency = "emergency" // the emergency code was used: only its session may enroll
	ReenrollReset     = "reset"     // an admin reset the second factor: the recovery code is needed
)

// RecoveryLife is how long a recovery code works after a reset.
const RecoveryLife = 24 * time.Hour

// ErrOutsideAuthority is returned for a reset of a user who belongs to a
// project the admin does not administer.
var ErrOutsideAuthority = errors.New("the user belongs to projects the admin does not administer")

// Reenrollment is what binds the verification of a user's new phone, seen
// from one session.
type Reenrollment struct {
	Reason string // ReenrollEmergency or ReenrollReset
	// Bound reports that the asking session is the one that may verify
	// the new phone.
	Bound bool
	// Orphaned reports that no session holds the binding any more: the
	// session that used the emergency code or the recovery code ended.
	Orphaned bool
	// RecoveryLive reports that a recovery code waits to be typed and has
	// not expired; RecoveryExpired that one was issued and expired unused.
	RecoveryLive, RecoveryExpired bool
}
