package phonegate

import (
	"context"
	"errors"
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

// Authorize decides whether the browser holding the session token token
// and the trusted-computer token trustToken ("" for none) may reach the
// protected site hostport, for a reverse proxy that asks about every
// request (DESIGN §7). It writes nothing per request: OpenSession touches
// the session's idle clock at most once a minute. Everything is read at
// each call, so a logout, a revoked session, a removed member or a
// tightened level takes effect at the next check. The rule for the levels
// is the gate's (Gate): a session let into phonegate's pages is let into
// the apps of its projects, and no other.
func (s *Service) Authorize(ctx context.Context, token, trustToken, hostport string) (AuthzResult, error) {
	p, err := s.SiteProject(ctx, hostport)
	if errors.Is(err, ErrNotFound) {
		return AuthzResult{Verdict: VerdictUnknownHost}, nil
	}
	if err != nil {
		return AuthzResult{}, err
	}
	res := AuthzResult{Verdict: VerdictLogin, Project: p}
	if token == "" {
		return res, nil
	}
	sess, u, err := s.OpenSession(ctx, token)
	if errors.Is(err, ErrNoSession) {
		return res, nil
	}
	if err != nil {
		return AuthzResult{}, err
	}
	g, err := s.Gate(ctx, u, sess, trustToken)
	if err != nil {
		return AuthzResult{}, err
	}
	if g.Step != StepNone {
		return res, nil
	}
	res.User = u
	m, err := s.store.Membership(ctx, p.ID, u.ID)
	if errors.Is(err, ErrNotFound) {
		res.Verdict = VerdictNotMember
		return res, nil
	}
	if err != nil {
		return AuthzResult{}, err
	}
	res.Verdict, res.Role = VerdictAllow, m.Role
	return res, nil
}
