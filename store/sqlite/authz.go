package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// authzSQL reads everything a forward-auth check needs in one statement,
// and only that (phonegate.AuthzFacts): the project of the site that
// covers the host (the exact host before the wildcard), the live session,
// its user, the trusted computer if it is the user's, whether an emergency
// code waits, and one row per project the user accepted, with its level
// and the user's role. Every table is
// reached through its key or an index (TestAuthzFactsPlan); a missing
// session, user or membership leaves its columns NULL, read as zero.
//
// The parameters come in through q, one materialized row, and the joins
// name only columns: SQLite re-plans a join whose terms hold a bound
// parameter at every new binding, which would cost more than the read.
const authzSQL = `WITH q (host, wildcard, session, idle, created, trust, reveal) AS MATERIALIZED (
	SELECT ?, ?, ?, ?, ?, ?, ?)
SELECT p.id, p.name, p.mfa_level,
	s.token_hash, COALESCE(s.user_id, 0), COALESCE(s.mfa_at, 0), COALESCE(s.created_at, 0), COALESCE(s.last_seen_at, 0),
	COALESCE(u.email, ''), COALESCE(u.phone_verified, 0),
	EXISTS (SELECT 1 FROM reveals r WHERE r.session_hash = s.token_hash AND r.kind = q.reveal),
	t.token_hash, COALESCE(t.created_at, 0), COALESCE(t.last_mfa_at, 0),
	COALESCE(mp.id, 0), COALESCE(mp.name, ''), COALESCE(mp.mfa_level, ''), COALESCE(m.role, '')
FROM q
JOIN projects p ON p.id = COALESCE((SELECT project_id FROM sites WHERE host = q.host),
	(SELECT project_id FROM sites WHERE host = q.wildcard))
LEFT JOIN sessions s ON s.token_hash = q.session AND s.last_seen_at >= q.idle AND s.created_at >= q.created
LEFT JOIN users u ON u.id = s.user_id
LEFT JOIN trusted_computers t ON t.token_hash = q.trust AND t.user_id = s.user_id
LEFT JOIN memberships m ON m.user_id = s.user_id AND m.accepted_at > 0
LEFT JOIN projects mp ON mp.id = m.project_id
ORDER BY mp.name, mp.id`

// AuthzFacts returns, in one read, what a forward-auth check decides from;
// ErrNotFound when no protected site covers q's host. A session past its
// idle or absolute life is not live (the maintenance sweep deletes it).
func (db *DB) AuthzFacts(ctx context.Context, q phonegate.AuthzQuery) (phonegate.AuthzFacts, error) {
	rows, err := db.authz.QueryContext(context.WithoutCancel(ctx), q.Host, q.Wildcard, q.SessionHash,
		q.IdleSince.Unix(), q.CreatedSince.Unix(), q.TrustHash, phonegate.RevealEmergency)
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

// scanAuthzRow reads one row of authzSQL: the facts every row repeats
// into f, the row's membership into m.
func scanAuthzRow(rows interface{ Scan(...any) error }, f *phonegate.AuthzFacts, m *phonegate.Membership) error {
	var mfa, created, seen, tCreated, tLast int64
	var trust []byte
	s, u := &f.Session, &f.User
	err := rows.Scan(&f.Project.ID, &f.Project.Name, &f.Project.MFALevel,
		&s.TokenHash, &s.UserID, &mfa, &created, &seen, &u.Email, &u.PhoneVerified,
		&f.RevealWaits, &trust, &tCreated, &tLast,
		&m.Project.ID, &m.Project.Name, &m.Project.MFALevel, &m.Role)
	if err != nil {
		return err
	}
	s.MFAAt, s.CreatedAt, s.LastSeenAt = unix(mfa), unix(created), unix(seen)
	f.Live = len(s.TokenHash) > 0
	u.ID = s.UserID
	if len(trust) > 0 {
		f.Trust.TokenHash, f.Trust.UserID = trust, s.UserID
		f.Trust.CreatedAt, f.Trust.LastMFAAt = unix(tCreated), unix(tLast)
	}
	return nil
}

// TouchSession moves the idle clock of the session tokenHash to now if it
// was last moved a minute or more before; otherwise it writes nothing.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at <= ?`,
		now.Unix(), tokenHash, now.Add(-time.Minute).Unix())
	if err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}
