package phonegate

import (
	"fmt"
	"time"
)

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
