package phonegate

import (
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
