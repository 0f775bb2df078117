package phonegate

import (
	"context"
	"errors"
	"time"
)

// Verdict is what the forward-auth check answers about one request to a
// protected app.
type Verdict int

// Verdicts of Authorize.
const (
	// VerdictUnknownHost: no project protects the host; refused (deny by
	// default).
	VerdictUnknownHost Verdict = iota
	// VerdictLogin: no live session, or one that has not done what the
	// gate asks (the password, the code, a phone, the emergency code):
	// the browser is sent to log in.
	VerdictLogin
	// VerdictNotMember: a live session whose user is not an accepted
	// member of the host's project; refused.
	VerdictNotMember
	// VerdictAllow: an accepted member whose session satisfies the gate.
	VerdictAllow
)

// AuthzResult is what Authorize decided, with what the proxy passes to
// the app when the request is allowed.
type AuthzResult struct {
	Verdict Verdict
	Project Project // the host's project; zero for VerdictUnknownHost
	User    User    // the session's user; zero for VerdictUnknownHost and VerdictLogin
	Role    string  // the user's role in Project, for VerdictAllow
}

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

// Authorize decides whether the browser holding the session token token
// and the trusted-computer token trustToken ("" for none) may reach the
// protected site hostport, for a reverse proxy that asks about every
// request (DESIGN §7). It costs one read of the store (AuthzFacts), no
// password hash, and a write only when the session's idle clock is a
// minute old. Everything is asked of the store at each call, so a logout,
// a revoked session, a removed member or a tightened level takes effect at
// the next check (a store may answer from what it kept only while nothing
// has committed since: store/sqlite's authzCache). The rule for the levels is the gate's (decideGate): a session let
// into phonegate's pages is let into the apps of its projects, and no
// other.
func (s *Service) Authorize(ctx context.Context, token, trustToken, hostport string) (AuthzResult, error) {
	h := RequestHost(hostport)
	if h == "" {
		return AuthzResult{Verdict: VerdictUnknownHost}, nil
	}
	now := s.now()
	q := AuthzQuery{Host: h, Wildcard: siteWildcard(h), IdleSince: now.Add(-SessionIdle), CreatedSince: now.Add(-SessionAbsolute)}
	if token != "" {
		q.SessionHash = HashToken(token)
	}
	if trustToken != "" {
		q.TrustHash = HashToken(trustToken)
	}
	f, err := s.store.AuthzFacts(ctx, q)
	if errors.Is(err, ErrNotFound) {
		return AuthzResult{Verdict: VerdictUnknownHost}, nil
	}
	if err != nil {
		return AuthzResult{}, err
	}
	res := AuthzResult{Verdict: VerdictLogin, Project: f.Project}
	if !f.Live {
		return res, nil
	}
	// The idle clock's minute, as OpenSession keeps it (the store's
	// Session): a check within it writes nothing.
	if now.Sub(f.Session.LastSeenAt) >= time.Minute {
		if err := s.store.TouchSession(ctx, f.Session.TokenHash, now); err != nil {
			return AuthzResult{}, err
		}
	}
	if decideGate(f.GateFacts, now).Step != StepNone {
		return res, nil
	}
	res.User = f.User
	if f.Role == "" {
		res.Verdict = VerdictNotMember
		return res, nil
	}
	res.Verdict, res.Role = VerdictAllow, f.Role
	return res, nil
}
