package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// InviteMemberCapped is InviteMember for a members page: the invitation
// counts toward the caps of by (MaxInvitesPerAccount,
// MaxInvitesPerAddress) in the transaction that makes it, so concurrent
// invitations cannot slip under them; past a cap nothing is done and the
// error is a *LimitedError whose Key names the cap. An invitation that
// fails otherwise (the address is already a member) counts toward nothing.
func (db *DB) InviteMemberCapped(ctx context.Context, email string, projectID int64, role string, by phonegate.Inviter,
	tokenHash []byte, expires, now time.Time) (phonegate.InviteResult, error) {
	caps := func(tx *sql.Tx) error {
		if err := takeCap(ctx, tx, phonegate.InviteAccountKey(by.UserID), phonegate.MaxInvitesPerAccount, now); err != nil {
			return err
		}
		return takeCap(ctx, tx, phonegate.InviteAddrKey(by.Addr), phonegate.MaxInvitesPerAddress, now)
	}
	return db.inviteMember(ctx, email, projectID, role, by.UserID, consentAwaited, tokenHash, true, expires, now, caps)
}

// CreateProjectCapped is CreateProject for the home page: the project
// counts toward its owner's MaxProjectsPerAccount in the transaction that
// creates it; past the cap nothing is created and the error is a
// *LimitedError.
func (db *DB) CreateProjectCapped(ctx context.Context, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	var p phonegate.Project
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := takeCap(ctx, tx, phonegate.ProjectAccountKey(ownerID), phonegate.MaxProjectsPerAccount, now); err != nil {
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
		key, now.Add(-phonegate.CapWindow).Unix()).Scan(&n, &oldest); err != nil {
		return fmt.Errorf("store: count %s: %w", key, err)
	}
	if n >= limit {
		return &phonegate.LimitedError{Key: key, RetryAt: time.Unix(oldest.Int64, 0).Add(phonegate.CapWindow)}
	}
	return addEvent(ctx, tx, key, now)
}
