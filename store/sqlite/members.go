package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// Member returns userID as a member of projectID, accepted or not, for the
// project's owners and admins to change; ErrNotFound when not a member.
func (db *DB) Member(ctx context.Context, projectID, userID int64) (phonegate.Member, error) {
	m, err := scanMember(db.read.QueryRowContext(ctx, `SELECT `+prefixed("u.", userColumns)+`, `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = ? AND m.user_id = ?`, projectID, userID))
	if err != nil {
		return phonegate.Member{}, notFound(err, "member")
	}
	return m, nil
}

// Invitations lists the memberships userID has not accepted yet, oldest
// first.
func (db *DB) Invitations(ctx context.Context, userID int64) ([]phonegate.Invitation, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+projectColumnsP+`, m.role, m.created_at, COALESCE(x.email, '')
		FROM memberships m JOIN projects p ON p.id = m.project_id
		LEFT JOIN users x ON x.id = m.invited_by
		WHERE m.user_id = ? AND m.accepted_at = 0 ORDER BY m.created_at, p.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	defer rows.Close()
	var out []phonegate.Invitation
	for rows.Next() {
		var in phonegate.Invitation
		var at int64
		if in.Project, err = scanProject(rows, &in.Role, &at, &in.InvitedBy); err != nil {
			return nil, fmt.Errorf("store: invitations: %w", err)
		}
		in.At = unix(at)
		out = append(out, in)
	}
	return out, rows.Err()
}

// AcceptMembership makes userID's pending membership of projectID count,
// and audits it. ErrNotFound when there is no such pending membership.
func (db *DB) AcceptMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var role string
		err := tx.QueryRowContext(ctx, `UPDATE memberships SET accepted_at = ?
			WHERE project_id = ? AND user_id = ? AND accepted_at = 0 RETURNING role`,
			max(now.Unix(), 1), projectID, userID).Scan(&role)
		if err != nil {
			return notFound(err, "invitation")
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "member.accepted", Detail: "role " + role, At: now})
	})
}

// DeclineMembership deletes userID's pending membership of projectID and
// audits it. ErrNotFound when there is no such pending membership: an
// accepted one is left by removing it.
func (db *DB) DeclineMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var role string
		err := tx.QueryRowContext(ctx, `DELETE FROM memberships
			WHERE project_id = ? AND user_id = ? AND accepted_at = 0 RETURNING role`, projectID, userID).Scan(&role)
		if err != nil {
			return notFound(err, "invitation")
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "member.declined", Detail: "role " + role, At: now})
	})
}

// ResetMemberSecondFactor is ResetSecondFactor on behalf of a member of
// projectID. The reset reaches the whole account, so it needs the account's
// consent to the project: ErrPending when userID has not accepted its
// membership; and the actor's authority over every project the account
// accepted: ErrOutsideAuthority unless actorID is an owner or admin of
// each. Both are checked in the same transaction as the reset.
func (db *DB) ResetMemberSecondFactor(ctx context.Context, projectID, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var accepted int64
		err := tx.QueryRowContext(ctx, `SELECT accepted_at FROM memberships WHERE project_id = ? AND user_id = ?`,
			projectID, userID).Scan(&accepted)
		if err != nil {
			return notFound(err, "membership")
		}
		if accepted == 0 {
			return fmt.Errorf("store: reset 2fa: %w", phonegate.ErrPending)
		}
		if err := checkResetAuthority(ctx, tx, userID, actorID); err != nil {
			return err
		}
		return resetSecondFactor(ctx, tx, userID, actorID, recoveryMAC, now)
	})
}

// SetRoleBy changes a member's role on behalf of actorID and audits the
// change, in one transaction. It refuses, with ErrLastOwner, to demote the
// project's last owner, and returns the old role.
func (db *DB) SetRoleBy(ctx context.Context, projectID, userID, actorID int64, role string, now time.Time) (old string, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT role FROM memberships WHERE project_id = ? AND user_id = ?`,
			projectID, userID).Scan(&old); err != nil {
			return notFound(err, "membership")
		}
		if old == role {
			return nil
		}
		if role != phonegate.RoleOwner {
			if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
				return err
			}
		} else if err := checkNewOwnerNames(ctx, tx, projectID, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = ? WHERE project_id = ? AND user_id = ?`,
			role, projectID, userID); err != nil {
			return fmt.Errorf("store: set role: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: actorID,
			Kind: "member.role", Detail: "role " + old + " → " + role, At: now})
	})
	return old, err
}

// RemoveMemberBy removes a member, accepted or not, on behalf of actorID
// and audits it, in one transaction; removing a pending member cancels the
// invitation. It refuses, with ErrLastOwner, to remove the project's last
// owner.
func (db *DB) RemoveMemberBy(ctx context.Context, projectID, userID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
			return err
		}
		var role, email string
		var accepted int64
		err := tx.QueryRowContext(ctx, `SELECT m.role, m.accepted_at, u.email FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.project_id = ? AND m.user_id = ?`, projectID, userID).Scan(&role, &accepted, &email)
		if err != nil {
			return notFound(err, "membership")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE project_id = ? AND user_id = ?`,
			projectID, userID); err != nil {
			return fmt.Errorf("store: remove member: %w", err)
		}
		detail := email + " (" + role + ") removed"
		if accepted == 0 {
			detail = email + " (" + role + ", invitation pending) removed"
		}
		if err := addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: actorID,
			Kind: "member.removed", Detail: detail, At: now}); err != nil {
			return err
		}
		return dropUnclaimedAccount(ctx, tx, userID)
	})
}

// dropUnclaimedAccount deletes userID, with its invite link, when the
// account never chose a password and no accepted membership is left. No
// project vouches for it any more, so its link must stop working; and
// since adding an existing account never makes a new link, the email can
// be invited again only as a new account.
func dropUnclaimedAccount(ctx context.Context, tx *sql.Tx, userID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ? AND password_hash = ''
		AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = ? AND accepted_at > 0)`, userID, userID)
	if err != nil {
		return fmt.Errorf("store: drop unclaimed account: %w", err)
	}
	return nil
}
