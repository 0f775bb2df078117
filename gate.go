package phonegate

import (
	"context"
)

// Step is what a session must do before reaching any full route.
type Step int

// Steps of the gate.
const (
	StepNone      Step = iota // nothing: every project the user accepted is satisfied
	StepPhone                 // verify a phone first
	StepEmergency             // see the new emergency code, once
	StepVerify                // pass the code
)

// GateResult is what the gate learned about a session.
type GateResult struct {
	Step Step
	// Project is the project that asks for the code: the first one the
	// session does not satisfy, else the first with two-factor on. Its
	// name goes in the SMS and the call.
	Project Project
	// Enforced reports whether any accepted project of the user has
	// two-factor on.
	Enforced bool
	// Trustable reports whether any project's level lets a computer that
	// passed the code skip it later (once per computer, every 30 days).
	Trustable bool
}

// Gate decides what session sess of user u must do before reaching any
// full route; trustToken is the trusted-computer token the browser holds,
// "" for none. Checking every project, not just the one asked for, keeps
// a session between the password and the code out of everything but the
// code and enrollment pages (once on, 2FA is required of all users). Only
// the projects the user accepted count: a project that added them without
// their consent must not impose its level on their account. The level is
// read at every call, so a tightened level takes effect at the next one,
// whatever trust the computer had. The rule itself is decideGate's.
func (s *Service) Gate(ctx context.Context, u User, sess Session, trustToken string) (GateResult, error) {
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return GateResult{}, err
	}
	waits, err := s.store.HasReveal(ctx, sess.TokenHash, RevealEmergency)
	if err != nil {
		return GateResult{}, err
	}
	// The trusted computer counts only where a project asks for the code,
	// as decideGate reads it: no read for an account with 2FA off.
	var trust TrustedComputer
	if anyEnforced(ms) {
		if trust, err = s.trustOf(ctx, u.ID, trustToken); err != nil {
			return GateResult{}, err
		}
	}
	return decideGate(GateFacts{User: u, Session: sess, Memberships: ms, RevealWaits: waits, Trust: trust}, s.now()), nil
}

// anyEnforced reports whether any of the projects ms asks for a second
// factor.
func anyEnforced(ms []Membership) bool {
	for _, m := range ms {
		if Level(m.Project.MFALevel) != LevelOff {
			return true
		}
	}
	return false
}
