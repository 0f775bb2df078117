package postgres

import "strings"

// An event about a user (AddUserAudit) is written into the audit logs of
// the projects it concerns, as they stand when it happens; a later change
// of membership or level leaves the rows already written where they are.
//
//   - Only projects the user belongs to and had accepted then: a project
//     that added the user without their consent, or that they joined
//     later, learns nothing of their account.
//   - A second-factor event (codes sent, delivered or not, the automatic
//     call, a NO or a reply from the phone, a code accepted or refused, the
//     lock) goes only to the projects whose two-factor level is on. Those
//     are the projects whose gate asks for the code: one account has one
//     phone, and a code passed at a login satisfies each of them at once,
//     so each is concerned by every attempt on it. A project with two-factor
//     off never asks for a code and sees none of this.
//   - An account event (password changed, phone verified, emergency code
//     used or replaced, two-factor reset, trusted computers forgotten,
//     sessions ended, a membership joined) goes to every such project: each
//     one's login rests on the password, phone and sessions it is about.
//
// A kind not named below is an account event.
type auditScopeKind int

const (
	scopeAccount      auditScopeKind = iota // every accepted project
	scopeSecondFactor                       // accepted projects with two-factor on
)

// secondFactorKinds are the second-factor kinds that do not begin with
// "code.", all of which are second-factor events.
var secondFactorKinds = map[string]bool{"2fa.passed": true, "2fa.failed": true, "2fa.locked": true}

// auditScope says which projects an event of kind concerns.
func auditScope(kind string) auditScopeKind {
	if strings.HasPrefix(kind, "code.") || secondFactorKinds[kind] {
		return scopeSecondFactor
	}
	return scopeAccount
}
