package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// InviteMember adds the user with email to projectID with role on behalf
// of actorID, for a project's members page. An email without an account
// gets a new account, already a member, and a one-time invite whose token
// hashes to tokenHash (invited is true): choosing a password through it is
// the new user's consent. An account that never chose its password gets a
// fresh invite of tokenHash too (invited is true), and its older unused
// one stops working: the link goes only to the address's own mailbox, so
// a new one lets nobody else in, and without it an account whose link
// expired could never be set up. An account with a password gets a
// membership that waits for its user to accept it, and no invite: a link
// for it would let any project owner take it over. projectID 0 adds to no
// project.
func (db *DB) InviteMember(ctx context.Context, email string, projectID int64, role string, actorID int64,
	tokenHash []byte, expires, now time.Time) (u phonegate.User, invited bool, err error) {
	r, err := db.inviteMember(ctx, email, projectID, role, actorID, consentAwaited, tokenHash, true, expires, now, nil)
	return r.User, r.Link, err
}

// ProvisionMember is InviteMember for the command line, whose operator
// speaks for every account: the membership of an existing account counts
// at once. It makes an invite for an account it creates, and with renew a
// fresh one for an account that never chose its password (already a
// member of projectID or not); without renew such an account keeps its
// unused invite.
func (db *DB) ProvisionMember(ctx context.Context, email string, projectID int64, role string,
	tokenHash []byte, renew bool, expires, now time.Time) (phonegate.InviteResult, error) {
	return db.inviteMember(ctx, email, projectID, role, 0, consentGiven, tokenHash, renew, expires, now, nil)
}

// inviteMember is InviteMember; existing says whether an existing account's
// membership counts at once, renew whether an account without a password
// gets a fresh invite, and caps, when set, counts the invitation toward
// its caps in the same transaction (it returns a *LimitedError past one).
func (db *DB) inviteMember(ctx context.Context, email string, projectID int64, role string, actorID int64,
	existing consent, tokenHash []byte, renew bool, expires, now time.Time, caps func(*sql.Tx) error) (phonegate.InviteResult, error) {
	var r phonegate.InviteResult
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if caps != nil {
			if err := caps(tx); err != nil {
				return err
			}
		}
		r = phonegate.InviteResult{}
		c := existing
		u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
		if errors.Is(err, sql.ErrNoRows) {
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
				// Invited again to a project it already belongs to: the
				// fresh link is the point, the membership stays as it was.
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
			if _, err := tx.ExecContext(ctx, `DELETE FROM invites WHERE user_id = ? AND used_at = 0`, u.ID); err != nil {
				return fmt.Errorf("store: renew invite: %w", err)
			}
			r.Link = true
		}
		if !r.Link {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO invites (token_hash, user_id, project_id, created_by, expires_at)
			VALUES (?, ?, ?, ?, ?)`, tokenHash, u.ID, nullID(projectID), nullID(actorID), expires.Unix())
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
	var exp int64
	err := db.read.QueryRowContext(ctx, `SELECT i.user_id, u.email, COALESCE(i.project_id, 0), i.expires_at
		FROM invites i JOIN users u ON u.id = i.user_id
		WHERE i.token_hash = ? AND i.used_at = 0 AND i.expires_at > ?`, tokenHash, now.Unix()).
		Scan(&in.UserID, &in.Email, &in.ProjectID, &exp)
	if err != nil {
		return phonegate.Invite{}, notFound(err, "invite")
	}
	in.ExpiresAt = unix(exp)
	return in, nil
}

// AcceptInvite uses the invite once and sets the user's password. A used,
// expired or unknown invite gives ErrNotFound. A membership that waits for
// its user (a fresh link for an account first invited elsewhere) still
// waits: the user accepts it on the home page, as any other.
func (db *DB) AcceptInvite(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (phonegate.User, error) {
	var u phonegate.User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		err := tx.QueryRowContext(ctx, `UPDATE invites SET used_at = ?
			WHERE token_hash = ? AND used_at = 0 AND expires_at > ? RETURNING user_id`,
			now.Unix(), tokenHash, now.Unix()).Scan(&userID)
		if err != nil {
			return notFound(err, "invite")
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ? RETURNING `+userColumns,
			passwordHash, userID))
		if err != nil {
			return notFound(err, "user")
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "member.joined", At: now})
	})
	return u, err
}
