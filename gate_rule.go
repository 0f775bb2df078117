package phonegate

import "time"

// GateFacts are what the gate decides from: the session, its user, the
// projects the user accepted (by name, as Memberships lists them), whether
// an emergency code waits to be shown, and the trusted-computer record of
// this browser if it belongs to the user (zero otherwise).
type GateFacts struct {
	User        User
	Session     Session
	Memberships []Membership
	RevealWaits bool
	Trust       TrustedComputer
}

// decideGate is the gate's rule over f at now. It reads nothing: Gate (for
// phonegate's own pages) and Authorize (for the apps behind a proxy) both
// call it, so the two can never disagree about a session.
func decideGate(f GateFacts, now time.Time) GateResult {
	var g GateResult
	for _, m := range f.Memberships {
		switch Level(m.Project.MFALevel) {
		case LevelOff:
			continue
		case LevelPerComputer, Level30Days:
			g.Trustable = true
		}
		if !g.Enforced {
			g.Enforced, g.Project = true, m.Project
		}
	}
	if g.Enforced && !f.User.PhoneVerified {
		// No phone, or the emergency code was used: a phone must be
		// verified before anything else, whatever the session passed.
		g.Step = StepPhone
		return g
	}
	// A new emergency code waits to be shown: show it before anything else,
	// so that leaving the page by another link does not lose it unseen.
	if f.RevealWaits {
		g.Step = StepEmergency
		return g
	}
	if !g.Enforced {
		return g
	}
	for _, m := range f.Memberships {
		if !Level(m.Project.MFALevel).Covered(f.Session.MFAAt, f.Trust.LastMFAAt, f.Trust.CreatedAt, now) {
			g.Step, g.Project = StepVerify, m.Project
			break
		}
	}
	return g
}
