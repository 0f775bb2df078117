package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// Member returns userID as a member of projectID, accepted or not, for the project's owners and
// admins to change; ErrNotFound when not a member.
func (db *DB) Member(ctx context.Context, projectID, userID int64) (phonegate.Member, error) {
	m, err := scanMember(db.pool.QueryRow(ctx, `SELECT `+memberColumns+`
		FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.project_id = $1 AND m.user_id = $2`, projectID, userID))
	if err != nil {
		return phonegate.Member{}, notFound(err, "member")
	}
	return m, nil
}

// Invitations lists the memberships userID has not accepted yet, oldest first.
func (db *DB) Invitations(ctx context.Context, userID int64) ([]phonegate.Invitation, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+projectColumns+`, m.role, m.created_at, COALESCE(x.email, '')
		FROM memberships m JOIN projects p ON p.id = m.project_id
		LEFT JOIN users x ON x.id = m.invited_by
		WHERE m.user_id = $1 AND m.accepted_at IS NULL ORDER BY m.created_at, p.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Invitation, error) {
		var in phonegate.Invitation
		var err error
		in.Project, err = scanProject(row, &in.Role, ts(&in.At), &in.InvitedBy)
		return in, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: invitations: %w", err)
	}
	return out, nil
}

// AcceptMembership makes userID's pending membership of projectID count, and audits it.
// ErrNotFound when there is no such pending membership.
func (db *DB) AcceptMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var role string
		err := tx.QueryRow(ctx, `UPDATE memberships SET accepted_at = $1
			WHERE project_id = $2 AND user_id = $3 AND accepted_at IS NULL RETURNING role`,
			tz(now), projectID, userID).Scan(&role)
		if err != nil {
			return notFound(err, "invitation")
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "member.accepted", Detail: "role " + role, At: now})
	})
}

// DeclineMembership deletes userID's pending membership of projectID and audits it.
// ErrNotFound when there is no such pending membership.
func (db *DB) DeclineMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var role string
		err := tx.QueryRow(ctx, `DELETE FROM memberships
			WHERE project_id = $1 AND user_id = $2 AND accepted_at IS NULL RETURNING role`, projectID, userID).Scan(&role)
		if err != nil {
			return notFound(err, "invitation")
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "member.declined", Detail: "role " + role, At: now})
	})
}

// ResetMemberSecondFactor is ResetSecondFactor on behalf of a member of projectID: ErrPending
// when userID has not accepted its membership, ErrOutsideAuthority unless actorID is an owner
// or admin of every project the account accepted; both checked in the reset's transaction.
func (db *DB) ResetMemberSecondFactor(ctx context.Context, projectID, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockUser(ctx, tx, userID); err != nil {
			return err
		}
		var accepted time.Time
		err := tx.QueryRow(ctx, `SELECT accepted_at FROM memberships WHERE project_id = $1 AND user_id = $2`,
			projectID, userID).Scan(ts(&accepted))
		if err != nil {
			return notFound(err, "membership")
		}
		if accepted.IsZero() {
			return fmt.Errorf("store: reset 2fa: %w", phonegate.ErrPending)
		}
		if err := checkResetAuthority(ctx, tx, userID, actorID); err != nil {
			return err
		}
		return resetSecondFactor(ctx, tx, userID, actorID, recoveryMAC, now)
	})
}

// SetRoleBy changes a member's role on behalf of actorID and audits the change, in one
// transaction that holds the project's row. It refuses, with ErrLastOwner, to demote the
// project's last owner, and returns the old role.
func (db *DB) SetRoleBy(ctx context.Context, projectID, userID, actorID int64, role string, now time.Time) (old string, err error) {
	err = db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, projectID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2`,
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
		if _, err := tx.Exec(ctx, `UPDATE memberships SET role = $1 WHERE project_id = $2 AND user_id = $3`,
			role, projectID, userID); err != nil {
			return fmt.Errorf("store: set role: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: actorID,
			Kind: "member.role", Detail: "role " + old + " → " + role, At: now})
	})
	return old, err
}

// RemoveMemberBy removes a member, accepted or not, on behalf of actorID and audits it, in one
// transaction that holds the project's row; removing a pending member cancels the invitation.
// It refuses, with ErrLastOwner, to remove the project's last owner.
func (db *DB) RemoveMemberBy(ctx context.Context, projectID, userID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if err := lockProject(ctx, tx, projectID); err != nil {
			return err
		}
		if err := keepAnOwner(ctx, tx, projectID, userID); err != nil {
			return err
		}
		var role, email string
		var accepted time.Time
		err := tx.QueryRow(ctx, `SELECT m.role, m.accepted_at, u.email FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.project_id = $1 AND m.user_id = $2`, projectID, userID).Scan(&role, ts(&accepted), &email)
		if err != nil {
			return notFound(err, "membership")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM memberships WHERE project_id = $1 AND user_id = $2`,
			projectID, userID); err != nil {
			return fmt.Errorf("store: remove member: %w", err)
		}
		detail := email + " (" + role + ") removed"
		if accepted.IsZero() {
			detail = email + " (" + role + ", invitation pending) removed"
		}
		if err := addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: actorID,
			Kind: "member.removed", Detail: detail, At: now}); err != nil {
			return err
		}
		return dropUnclaimedAccount(ctx, tx, userID)
	})
}

// dropUnclaimedAccount deletes userID, with its invite link, when the account never chose a
// password and no accepted membership is left.
func dropUnclaimedAccount(ctx context.Context, tx pgx.Tx, userID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM users WHERE id = $1 AND password_hash = ''
		AND NOT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND accepted_at IS NOT NULL)`, userID)
	if err != nil {
		return fmt.Errorf("store: drop unclaimed account: %w", err)
	}
	return nil
}
