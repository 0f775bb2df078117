package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// authzSQL reads everything a forward-auth check needs in one statement, and only that
// (phonegate.AuthzFacts): the project of the site that covers the host (the exact host before
// the wildcard), the live session, its user, the trusted computer if it is the user's, whether
// an emergency code waits, and one row per project the user accepted, with its level and the
// user's role. Every table is reached through its key or an index; a missing session, user or
// membership leaves its columns NULL, read as zero.
const authzSQL = `SELECT p.id, p.name, p.mfa_level,
	s.token_hash, COALESCE(s.user_id, 0), s.mfa_at, s.created_at, s.last_seen_at,
	COALESCE(u.email, ''), COALESCE(u.phone_verified, false),
	EXISTS (SELECT 1 FROM reveals r WHERE r.session_hash = s.token_hash AND r.kind = $7),
	t.token_hash, t.created_at, t.last_mfa_at,
	COALESCE(mp.id, 0), COALESCE(mp.name, ''), COALESCE(mp.mfa_level, ''), COALESCE(m.role, '')
FROM projects p
LEFT JOIN sessions s ON s.token_hash = $3 AND s.last_seen_at >= $4 AND s.created_at >= $5
LEFT JOIN users u ON u.id = s.user_id
LEFT JOIN trusted_computers t ON t.token_hash = $6 AND t.user_id = s.user_id
LEFT JOIN memberships m ON m.user_id = s.user_id AND m.accepted_at IS NOT NULL
LEFT JOIN projects mp ON mp.id = m.project_id
WHERE p.id = COALESCE((SELECT project_id FROM sites WHERE host = $1), (SELECT project_id FROM sites WHERE host = $2))
ORDER BY mp.name COLLATE "C", mp.id`

// AuthzFacts returns, in one read, what a forward-auth check decides from; ErrNotFound when no
// protected site covers q's host. A session past its idle or absolute life is not live. It
// writes nothing and caches nothing, so a logout or a tightened level on any instance is seen
// at the next check.
func (db *DB) AuthzFacts(ctx context.Context, q phonegate.AuthzQuery) (phonegate.AuthzFacts, error) {
	rows, err := db.pool.Query(ctx, authzSQL, q.Host, q.Wildcard, q.SessionHash,
		tz(q.IdleSince), tz(q.CreatedSince), q.TrustHash, phonegate.RevealEmergency)
	if err != nil {
		return phonegate.AuthzFacts{}, fmt.Errorf("store: authz facts: %w", err)
	}
	defer rows.Close()
	var f phonegate.AuthzFacts
	found := false
	for rows.Next() {
		var m phonegate.Membership
		if err := scanAuthzRow(rows, &f, &m); err != nil {
			return phonegate.AuthzFacts{}, fmt.Errorf("store: authz facts: %w", err)
		}
		found = true
		if m.Project.ID == 0 {
			continue // no session, or a user of no accepted project
		}
		m.UserID = f.User.ID
		f.Memberships = append(f.Memberships, m)
		if m.Project.ID == f.Project.ID {
			f.Role = m.Role
		}
	}
	if err := rows.Err(); err != nil {
		return phonegate.AuthzFacts{}, fmt.Errorf("store: authz facts: %w", err)
	}
	if !found {
		return phonegate.AuthzFacts{}, fmt.Errorf("store: authz facts: %w", phonegate.ErrNotFound)
	}
	return f, nil
}

// scanAuthzRow reads one row of authzSQL: the facts every row repeats into f, the row's
// membership into m.
func scanAuthzRow(rows pgx.Rows, f *phonegate.AuthzFacts, m *phonegate.Membership) error {
	var trust []byte
	var tCreated, tLast time.Time
	s, u := &f.Session, &f.User
	err := rows.Scan(&f.Project.ID, &f.Project.Name, &f.Project.MFALevel,
		&s.TokenHash, &s.UserID, ts(&s.MFAAt), ts(&s.CreatedAt), ts(&s.LastSeenAt), &u.Email, &u.PhoneVerified,
		&f.RevealWaits, &trust, ts(&tCreated), ts(&tLast),
		&m.Project.ID, &m.Project.Name, &m.Project.MFALevel, &m.Role)
	if err != nil {
		return err
	}
	f.Live = len(s.TokenHash) > 0
	u.ID = s.UserID
	if len(trust) > 0 {
		f.Trust.TokenHash, f.Trust.UserID = trust, s.UserID
		f.Trust.CreatedAt, f.Trust.LastMFAAt = tCreated, tLast
	}
	return nil
}

// TouchSession moves the idle clock of the session tokenHash to now if it was last moved a
// minute or more before; otherwise it writes nothing.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	_, err := db.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at <= $3`,
		tz(now), tokenHash, tz(now.Add(-time.Minute)))
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}
