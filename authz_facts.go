package phonegate

import "time"

// AuthzQuery is what one forward-auth check asks the store about.
type AuthzQuery struct {
	// Host is the request's host as RequestHost returns it; Wildcard is
	// the "*." site one level up that would also cover it ("" for none).
	// A site stored as Host beats the wildcard.
	Host, Wildcard string
	// SessionHash and TrustHash are the hashes of the browser's session
	// and trusted-computer tokens (nil for none).
	SessionHash, TrustHash []byte
	// A session last seen before IdleSince, or created before
	// CreatedSince, is not live.
	IdleSince, CreatedSince time.Time
}

// AuthzFacts is everything Authorize decides from, read at once. A check
// runs on every request to a protected app, so only what it uses is read:
// the projects' ID, name and level; the session's token hash, user, times
// of creation, last use and second factor; the user's ID, email and
// whether the phone is verified; the trusted computer's times. The other
// fields of the records are zero (no password or emergency hash, no CSRF
// token).
type AuthzFacts struct {
	// Project is the project whose site covers the host.
	Project Project
	// Live reports whether SessionHash names a live session; when it does
	// not, Role and the gate's facts are zero.
	Live bool
	// Role is the user's role in Project; "" when the user is not an
	// accepted member of it.
	Role string
	// GateFacts are the gate's: the session, its user, every project the
	// user accepted with its level, whether an emergency code waits, and
	// the trusted computer TrustHash names if it is the user's.
	GateFacts
}
