package phonegate

import (
	"errors"
	"time"
)

// Second-factor limits (DESIGN §2). A Store enforces them in the
// transaction that counts, so that every server process agrees on them.
const (
	ChallengeLife   = 10 * time.Minute // how long a code works
	MaxChecks       = 5                // checks of one challenge's code; the fifth wrong one kills it
	MaxMFAFailures  = 10               // consecutive failures before the lock
	MFALockDuration = 15 * time.Minute
)

// ErrCodeRefused is the one answer for a code that is wrong, expired,
// already used, checked too often, locked out or not the asking session's:
// the user is told the same thing in every case.
var ErrCodeRefused = errors.New("code refused")

// Failure is what a second-factor failure changed.
type Failure struct {
	ChallengeDead bool      // the challenge took its last check and no longer works
	Locked        bool      // this failure locked the second factor
	LockedUntil   time.Time // when the lock ends, if Locked
}

// Pass says how a challenge was passed.
type Pass struct {
	// Claim consumes a challenge that an SMS reply approved, instead of a
	// pending one whose code matched.
	Claim bool
	// EmergencyHash, for an enrollment, is the hash of the emergency code
	// that comes with the newly verified phone.
	EmergencyHash string
	// EmergencySealed, for an enrollment, is that emergency code sealed for
	// its one showing. It is kept for the session that passed, in the
	// transaction that stores the hash, so that the code shown is always
	// the one that works and no other session is shown it.
	EmergencySealed []byte
	// SessionPassed, for an enrollment, says that the answering session
	// has passed the second factor its user's projects ask for, as for a
	// phone change from the account page. Without it, an enrollment
	// cannot replace a verified phone.
	SessionPassed bool
	// Detail says in words, for the audit log, how the challenge was
	// passed. It must hold no secret.
	Detail string
}

// Kinds of reveal: what a one-time page shows.
const (
	RevealEmergency = "emergency" // a new emergency code
	RevealInvite    = "invite"    // a new member's invite link
)
