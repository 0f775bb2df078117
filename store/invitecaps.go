package store

import (
	"context"
	"database/sql"
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
func InviteAddrKey(addr string) string     { return "cap:invite:addr:" + addr }
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

// InviteMemberCapped is InviteMember for a members page: the invitation
// counts toward the caps of by (MaxInvitesPerAccount,
// MaxInvitesPerAddress) in the transaction that makes it, so concurrent
// invitations cannot slip under them; past a cap nothing is done and the
// error is a *LimitedError whose Key names the cap. An invitation that
// fails otherwise (the address is already a member) counts toward nothing.
func (db *DB) InviteMemberCapped(ctx context.Context, email string, projectID int64, role string, by Inviter,
	tokenHash []byte, expires, now time.Time) (InviteResult, error) {
	caps := func(tx *sql.Tx) error {
		if err := takeCap(ctx, tx, InviteAccountKey(by.UserID), MaxInvitesPerAccount, now); err != nil {
			return err
		}
		return takeCap(ctx, tx, InviteAddrKey(by.Addr), MaxInvitesPerAddress, now)
	}
	return db.inviteMember(ctx, email, projectID, role, by.UserID, consentAwaited, tokenHash, true, expires, now, caps)
}

// CreateProjectCapped is CreateProject for the home page: the project
// counts toward its owner's MaxProjectsPerAccount in the transaction that
// creates it; past the cap nothing is created and the error is a
// *LimitedError.
func (db *DB) CreateProjectCapped(ctx context.Context, ownerID int64, name string, now time.Time) (Project, error) {
	var p Project
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := takeCap(ctx, tx, ProjectAccountKey(ownerID), MaxProjectsPerAccount, now); err != nil {
			return err
		}
		var err error
		p, err = createProject(ctx, tx, ownerID, name, now)
		return err
	})
	return p, err
}

// takeCap counts one event of key at now unless limit events of key
// happened in the CapWindow before now; then it returns a *LimitedError
// that says when the oldest of them leaves the window (from that second on
// it no longer counts). The caller's
// transaction (BEGIN IMMEDIATE) makes the count and the check one step.
func takeCap(ctx context.Context, tx *sql.Tx, key string, limit int, now time.Time) error {
	var n int
	var oldest sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(at) FROM counter_events WHERE key = ? AND at > ?`,
		key, now.Add(-CapWindow).Unix()).Scan(&n, &oldest); err != nil {
		return fmt.Errorf("store: count %s: %w", key, err)
	}
	if n >= limit {
		return &LimitedError{Key: key, RetryAt: time.Unix(oldest.Int64, 0).Add(CapWindow)}
	}
	return addEvent(ctx, tx, key, now)
}
