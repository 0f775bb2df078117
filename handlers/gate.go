package handlers

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// Where the gate sends a session that lacks something.
const (
	stepPhone     = "/phone"      // verify a phone first
	stepEmergency = "/phone/done" // see the new emergency code, once
	stepVerify    = "/verify"     // pass the code
)

// gateResult is what the gate learned about a session.
type gateResult struct {
	step string // "", stepPhone, stepEmergency or stepVerify
	// project is the project that asks for the code: the first one the
	// session does not satisfy, else the first with two-factor on. Its
	// name goes in the SMS and the call.
	project phonegate.Project
	// enforced reports whether any accepted project of the user has
	// two-factor on.
	enforced bool
	// trustable reports whether any project's level lets a computer that
	// passed the code skip it later (once per computer, every 30 days).
	trustable bool
}

// gate decides what the session must do before reaching any full route.
// Checking every project, not just the one asked for, keeps a session
// between the password and the code out of everything but the code and
// enrollment pages (DESIGN §1.3: once on, 2FA is required of all users).
// Only the projects the user accepted count: a project that added them
// without their consent must not impose its level on their account. The
// level is read at every request, so a tightened level takes effect at the
// next one, whatever trust the computer had.
func (s *Server) gate(r *http.Request) (gateResult, error) {
	a := authFrom(r)
	ctx := r.Context()
	ms, err := s.db.Memberships(ctx, a.user.ID)
	if err != nil {
		return gateResult{}, err
	}
	var g gateResult
	for _, m := range ms {
		switch phonegate.Level(m.Project.MFALevel) {
		case phonegate.LevelOff:
			continue
		case phonegate.LevelPerComputer, phonegate.Level30Days:
			g.trustable = true
		}
		if !g.enforced {
			g.enforced, g.project = true, m.Project
		}
	}
	if g.enforced && !a.user.PhoneVerified {
		// No phone, or the emergency code was used: a phone must be
		// verified before anything else, whatever the session passed.
		g.step = stepPhone
		return g, nil
	}
	// A new emergency code waits to be shown: show it before anything else,
	// so that leaving the page by another link does not lose it unseen.
	if shown, err := s.db.HasReveal(ctx, a.sess.TokenHash, phonegate.RevealEmergency); err != nil {
		return gateResult{}, err
	} else if shown {
		g.step = stepEmergency
		return g, nil
	}
	if !g.enforced {
		return g, nil
	}
	trust, err := s.trustedComputer(r)
	if err != nil {
		return gateResult{}, err
	}
	now := s.now()
	for _, m := range ms {
		if !phonegate.Level(m.Project.MFALevel).Covered(a.sess.MFAAt, trust.LastMFAAt, trust.CreatedAt, now) {
			g.step, g.project = stepVerify, m.Project
			break
		}
	}
	return g, nil
}

// secondFactorStep returns where a logged-in user must go before reaching
// any full route: "/phone" to verify a phone, "/phone/done" to see a new
// emergency code, "/verify" for a code, or "" when every project they
// belong to and accepted is satisfied by this session. A page asked for by GET is
// remembered, so that the user lands there once the step is done.
func (s *Server) secondFactorStep(r *http.Request) (string, error) {
	g, err := s.gate(r)
	if err != nil || g.step == "" {
		return "", err
	}
	if g.step != stepEmergency && r.Method == http.MethodGet && r.URL.Path != "/" {
		return g.step + "?next=" + urlQueryEscape(r.URL.RequestURI()), nil
	}
	return g.step, nil
}

// nextPath returns the page to go to after a step: the form's or the
// query's "next", if it is a path on this site, else "/".
func nextPath(r *http.Request) string {
	next := r.PostFormValue("next")
	if next == "" {
		next = r.URL.Query().Get("next")
	}
	return localPath(next)
}

// withNext appends the request's "next" to path, for a redirect that must
// keep it.
func withNext(path string, r *http.Request) string {
	if next := nextPath(r); next != "/" {
		return path + "?next=" + urlQueryEscape(next)
	}
	return path
}
