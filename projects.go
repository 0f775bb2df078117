package phonegate

import (
	"errors"
	"fmt"
	"time"
)

// Roles a member can have in a project.
const (
	RoleOwner     = "owner"
	RoleAdmin     = "admin"
	RoleDeveloper = "developer"
)

// Project is a project and its two-factor level.
type Project struct {
	ID            int64
	Name          string
	MFALevel      string // "off", "per_computer", "every_30_days" or "every_login"
	MFALevelSetAt time.Time
	CreatedAt     time.Time
}

// Membership is a user's accepted role in a project, with the project: the
// only kind of membership that grants access.
type Membership struct {
	Project Project
	UserID  int64
	Role    string
}

// Member is a user as seen from a project's member list.
type Member struct {
	User     User
	Role     string
	JoinedAt time.Time
	Invited  bool // the account has not used its invite link yet (no password)
	Pending  bool // the user has not accepted this membership yet
}

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

// Invite is a one-time link that lets a new member choose a password.
type Invite struct {
	UserID    int64
	Email     string
	ProjectID int64 // 0 when the invite is for no particular project
	ExpiresAt time.Time
}

// InviteResult is what an invitation did to the account of its address.
type InviteResult struct {
	User       User
	NewAccount bool // the address had no account: one was made
	// Link reports that a one-time invite of the given token hash was made:
	// for a new account, or afresh for an account that never chose its
	// password (its older unused invite no longer works).
	Link bool
}

// ErrNameTaken is returned when a project would get the name of another
// project of one of its owners: two projects of one owner cannot share a
// name, whatever the case of its letters, since the name is what tells
// them apart in texts, calls and pages.
var ErrNameTaken = errors.New("an owner already has a project of that name")

// Caps on what one account, and one client address, may create from the
// web pages in a day (README "Limits"). Without them anyone who creates a
// project could invite addresses without end: each invitation makes an
// account and queues an email, and accounts at a mail domain of one's own
// multiply every per-account cap. The command line is not capped: its
// operator speaks for the server.
const (
	// MaxInvitesPerAccount is how many invitations one account may send
	// in CapWindow, over all its projects.
	MaxInvitesPerAccount = 20
	// MaxInvitesPerAddress is how many invitations may come from one
	// client address (an IPv6 address by its /64) in CapWindow: more than
	// one account's, since an office shares an address.
	MaxInvitesPerAddress = 50
	// MaxProjectsPerAccount is how many projects one account may create
	// in CapWindow.
	MaxProjectsPerAccount = 10
	// CapWindow is the window of the caps above.
	CapWindow = 24 * time.Hour
)

// Keys of the caps: whose invitations or projects are counted.
func InviteAccountKey(userID int64) string { return fmt.Sprintf("cap:invite:user:%d", userID) }

func InviteAddrKey(addr string) string { return "cap:invite:addr:" + addr }

func ProjectAccountKey(userID int64) string {
	return fmt.Sprintf("cap:project:user:%d", userID)
}

// Inviter is who invites from a members page: the account and the client
// address (as handlers' addrBucket names it) whose caps the invitation
// counts toward.
type Inviter struct {
	UserID int64
	Addr   string
}
