package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// ProvisionMember adds the user with email to projectID with role for the command line, whose
// operator speaks for every account: the membership of an existing account counts at once. It
// makes an invite for an account it creates, and with renew a fresh one for an account that
// never chose its password; without renew such an account keeps its unused invite.
func (db *DB) ProvisionMember(ctx context.Context, email string, projectID int64, role string,
	tokenHash []byte, renew bool, expires, now time.Time) (phonegate.InviteResult, error) {
	return db.inviteMember(ctx, email, projectID, role, 0, consentGiven, tokenHash, renew, expires, now, nil)
}

// inviteMember is store/sqlite's inviteMember: existing says whether an existing account's
// membership counts at once, renew whether an account without a password gets a fresh invite,
// and caps, when set, counts the invitation toward its caps in the same transaction. An
// advisory lock on the address makes two instances inviting one new address at once create
// one account, the second finding it.
func (db *DB) inviteMember(ctx context.Context, email string, projectID int64, role string, actorID int64,
	existing consent, tokenHash []byte, renew bool, expires, now time.Time, caps func(pgx.Tx) error) (phonegate.InviteResult, error) {
	var r phonegate.InviteResult
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if caps != nil {
			if err := caps(tx); err != nil {
				return err
			}
		}
		r = phonegate.InviteResult{}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('email:' || lower($1), 0))`, email); err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		c := existing
		u, err := scanUser(tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email))
		if errors.Is(err, pgx.ErrNoRows) {
			u, err = createUser(ctx, tx, email, "", now)
			r.NewAccount, r.Link, c = true, true, consentGiven
		}
		if err != nil {
			return notFound(err, "user")
		}
		r.User = u
		renewing := !r.NewAccount && renew && u.PasswordHash == ""
		if projectID != 0 {
			err := addMember(ctx, tx, projectID, u.ID, role, actorID, c, now)
			switch {
			case renewing && errors.Is(err, phonegate.ErrConflict):
				// Invited again to a project it already belongs to: the fresh link is the
				// point, the membership stays as it was.
				if err := addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: u.ID, ActorID: actorID,
					Kind: "member.reinvited", Detail: "a new invite link, by email", At: now}); err != nil {
					return err
				}
			case err != nil:
				return err
			default:
				if err := addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: u.ID, ActorID: actorID,
					Kind: "member.added", Detail: "role " + role, At: now}); err != nil {
					return err
				}
			}
		}
		if renewing {
			// One link at a time: the older unused one stops working.
			if _, err := tx.Exec(ctx, `DELETE FROM invites WHERE user_id = $1 AND used_at IS NULL`, u.ID); err != nil {
				return fmt.Errorf("store: renew invite: %w", err)
			}
			r.Link = true
		}
		if !r.Link {
			return nil
		}
		_, err = tx.Exec(ctx, `INSERT INTO invites (token_hash, user_id, project_id, created_by, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, tokenHash, u.ID, nullID(projectID), nullID(actorID), tz(expires))
		if err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		return nil
	})
	if err != nil {
		return phonegate.InviteResult{}, err
	}
	return r, nil
}

// Invite returns the unused, unexpired invite whose token hashes to tokenHash.
func (db *DB) Invite(ctx context.Context, tokenHash []byte, now time.Time) (phonegate.Invite, error) {
	var in phonegate.Invite
	err := db.pool.QueryRow(ctx, `SELECT i.user_id, u.email, COALESCE(i.project_id, 0), i.expires_at
		FROM invites i JOIN users u ON u.id = i.user_id
		WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2`, tokenHash, tz(now)).
		Scan(&in.UserID, &in.Email, &in.ProjectID, ts(&in.ExpiresAt))
	if err != nil {
		return phonegate.Invite{}, notFound(err, "invite")
	}
	return in, nil
}

// AcceptInvite uses the invite once and sets the user's password: the UPDATE … WHERE used_at IS
// NULL … RETURNING takes the invite's row, so of concurrent uses on any instances one wins. A
// used, expired or unknown invite gives ErrNotFound.
func (db *DB) AcceptInvite(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (phonegate.User, error) {
	var u phonegate.User
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var userID int64
		err := tx.QueryRow(ctx, `UPDATE invites SET used_at = $1
			WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
			tz(now), tokenHash).Scan(&userID)
		if err != nil {
			return notFound(err, "invite")
		}
		u, err = scanUser(tx.QueryRow(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2 RETURNING `+userColumns,
			passwordHash, userID))
		if err != nil {
			return notFound(err, "user")
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "member.joined", At: now})
	})
	return u, err
}

// InviteMemberCapped is the invitation of a members page: it counts toward the caps of by
// (MaxInvitesPerAccount, MaxInvitesPerAddress) in the transaction that makes it, each under
// its key's lock, so concurrent invitations on any instances cannot slip under them; past a cap
// nothing is done and the error is a *LimitedError whose Key names the cap.
func (db *DB) InviteMemberCapped(ctx context.Context, email string, projectID int64, role string, by phonegate.Inviter,
	tokenHash []byte, expires, now time.Time) (phonegate.InviteResult, error) {
	caps := func(tx pgx.Tx) error {
		if err := takeCap(ctx, tx, phonegate.InviteAccountKey(by.UserID), phonegate.MaxInvitesPerAccount, now); err != nil {
			return err
		}
		return takeCap(ctx, tx, phonegate.InviteAddrKey(by.Addr), phonegate.MaxInvitesPerAddress, now)
	}
	return db.inviteMember(ctx, email, projectID, role, by.UserID, consentAwaited, tokenHash, true, expires, now, caps)
}

// CreateProjectCapped is CreateProject for the home page: the project counts toward its
// owner's MaxProjectsPerAccount in the transaction that creates it; past the cap nothing is
// created and the error is a *LimitedError.
func (db *DB) CreateProjectCapped(ctx context.Context, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	var p phonegate.Project
	err := db.tx(ctx, func(tx pgx.Tx) error {
		if err := takeCap(ctx, tx, phonegate.ProjectAccountKey(ownerID), phonegate.MaxProjectsPerAccount, now); err != nil {
			return err
		}
		var err error
		p, err = createProject(ctx, tx, ownerID, name, now)
		return err
	})
	return p, err
}

// takeCap counts one event of key at now unless limit events of key happened in the CapWindow
// before now; then it returns a *LimitedError that says when the oldest of them leaves the
// window.
func takeCap(ctx context.Context, tx pgx.Tx, key string, limit int, now time.Time) error {
	if err := lockKey(ctx, tx, key); err != nil {
		return err
	}
	var n int
	var oldest time.Time
	if err := tx.QueryRow(ctx, `SELECT count(*), MIN(at) FROM counter_events WHERE key = $1 AND at > $2`,
		key, tz(now.Add(-phonegate.CapWindow))).Scan(&n, ts(&oldest)); err != nil {
		return fmt.Errorf("store: count %s: %w", key, err)
	}
	if n >= limit {
		return &phonegate.LimitedError{Key: key, RetryAt: oldest.Add(phonegate.CapWindow)}
	}
	return addEvent(ctx, tx, key, now)
}
