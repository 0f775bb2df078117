package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Invite is a one-time link that lets a new member choose a password.
type Invite struct {
	UserID    int64
	Email     string
	ProjectID int64 // 0 when the invite is for no particular project
	ExpiresAt time.Time
}

// InviteMember adds the user with email to projectID with role on behalf
// of actorID, for a project's members page. An email without an account
// gets a new account, already a member, and a one-time invite whose token
// hashes to tokenHash (invited is true): choosing a password through it is
// the new user's consent. An account that already exists, with or without
// a password, gets a membership that waits for its user to accept it, and
// no invite: a new link for an existing account, or dropping the link it
// already has, would let any project owner take the account over.
// projectID 0 adds to no project.
func (db *DB) InviteMember(ctx context.Context, email string, projectID int64, role string, actorID int64,
	tokenHash []byte, expires, now time.Time) (u User, invited bool, err error) {
	return db.inviteMember(ctx, email, projectID, role, actorID, consentAwaited, tokenHash, expires, now)
}

// ProvisionMember is InviteMember for the command line, whose operator
// speaks for every account: the membership of an existing account counts
// at once. It too makes an invite only for a new account.
func (db *DB) ProvisionMember(ctx context.Context, email string, projectID int64, role string,
	tokenHash []byte, expires, now time.Time) (u User, invited bool, err error) {
	return db.inviteMember(ctx, email, projectID, role, 0, consentGiven, tokenHash, expires, now)
}

// inviteMember is InviteMember; existing says whether an existing account's
// membership counts at once.
func (db *DB) inviteMember(ctx context.Context, email string, projectID int64, role string, actorID int64,
	existing consent, tokenHash []byte, expires, now time.Time) (u User, invited bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		c := existing
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
		if errors.Is(err, sql.ErrNoRows) {
			u, err = createUser(ctx, tx, email, "", now)
			invited, c = true, consentGiven
		}
		if err != nil {
			return notFound(err, "user")
		}
		if projectID != 0 {
			if err := addMember(ctx, tx, projectID, u.ID, role, actorID, c, now); err != nil {
				return err
			}
			if err := addAudit(ctx, tx, AuditEvent{ProjectID: projectID, UserID: u.ID, ActorID: actorID,
				Kind: "member.added", Detail: "role " + role, At: now}); err != nil {
				return err
			}
		}
		if !invited {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (token_hash, user_id, project_id, created_by, expires_at)
			VALUES (?, ?, ?, ?, ?)`, tokenHash, u.ID, nullID(projectID), nullID(actorID), expires.Unix())
		if err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		return nil
	})
	if err != nil {
		return User{}, false, err
	}
	return u, invited, nil
}

// Invite returns the unused, unexpired invite whose token hashes to tokenHash.
func (db *DB) Invite(ctx context.Context, tokenHash []byte, now time.Time) (Invite, error) {
	var in Invite
	var exp int64
	err := db.read.QueryRowContext(ctx, `SELECT i.user_id, u.email, COALESCE(i.project_id, 0), i.expires_at
		FROM invites i JOIN users u ON u.id = i.user_id
		WHERE i.token_hash = ? AND i.used_at = 0 AND i.expires_at > ?`, tokenHash, now.Unix()).
		Scan(&in.UserID, &in.Email, &in.ProjectID, &exp)
	if err != nil {
		return Invite{}, notFound(err, "invite")
	}
	in.ExpiresAt = unix(exp)
	return in, nil
}

// AcceptInvite uses the invite once and sets the user's password. A used,
// expired or unknown invite gives ErrNotFound.
func (db *DB) AcceptInvite(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (User, error) {
	var u User
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
		return addUserAudit(ctx, tx, AuditEvent{UserID: userID, ActorID: userID, Kind: "member.joined", At: now})
	})
	return u, err
}
