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

// InviteMember creates (or finds) the user with email, adds them to
// projectID with role unless projectID is 0, and stores a one-time invite
// whose token hashes to tokenHash. A user who already has a password is
// only added to the project: they get no invite (invited is false).
func (db *DB) InviteMember(ctx context.Context, email string, projectID int64, role string, actorID int64,
	tokenHash []byte, expires, now time.Time) (u User, invited bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
		if errors.Is(err, sql.ErrNoRows) {
			u, err = createUser(ctx, tx, email, "", now)
		}
		if err != nil {
			return notFound(err, "user")
		}
		if projectID != 0 {
			if err := addMember(ctx, tx, projectID, u.ID, role, now); err != nil {
				return err
			}
			if err := addAudit(ctx, tx, AuditEvent{ProjectID: projectID, UserID: u.ID, ActorID: actorID,
				Kind: "member.added", Detail: "role " + role, At: now}); err != nil {
				return err
			}
		}
		if u.PasswordHash != "" {
			return nil
		}
		invited = true
		// A new invite replaces any earlier one that was not used.
		if _, err := tx.ExecContext(ctx, `DELETE FROM invites WHERE user_id = ? AND used_at = 0`, u.ID); err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (token_hash, user_id, project_id, created_by, expires_at)
			VALUES (?, ?, ?, ?, ?)`, tokenHash, u.ID, nullID(projectID), nullID(actorID), expires.Unix())
		if err != nil {
			return fmt.Errorf("store: invite: %w", err)
		}
		return nil
	})
	return u, invited, err
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
