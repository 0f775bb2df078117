package sqlite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

// authzSQL reads everything a forward-auth check needs in one statement,
// and only that (phonegate.AuthzFacts): the project of the site that
// covers the host (the exact host before the wildcard), the live session,
// its user, the trusted computer if it is the user's, whether an emergency
// code waits, and the projects the user accepted, with each one's level
// and the user's role. Every table is reached through its key or an index
// (TestAuthzFactsPlan); a missing session, user or membership leaves its
// columns NULL, read as zero.
//
// It is one row, so that the check costs one step of the statement: the
// memberships come folded into one text column (authzMemberships reads
// it). The parameters come in through q, one materialized row, and the
// joins name only columns: SQLite re-plans a join whose terms hold a bound
// parameter at every new binding, which would cost more than the read.
const authzSQL = `WITH q (host, wildcard, session, idle, created, trust, reveal) AS MATERIALIZED (
	SELECT ?, ?, ?, ?, ?, ?, ?)
SELECT p.id, p.name, p.mfa_level,
	s.token_hash, COALESCE(s.user_id, 0), COALESCE(s.mfa_at, 0), COALESCE(s.created_at, 0), COALESCE(s.last_seen_at, 0),
	COALESCE(u.email, ''), COALESCE(u.phone_verified, 0),
	EXISTS (SELECT 1 FROM reveals r WHERE r.session_hash = s.token_hash AND r.kind = q.reveal),
	t.token_hash, COALESCE(t.created_at, 0), COALESCE(t.last_mfa_at, 0),
	COALESCE((SELECT group_concat(mp.id || ',' || mp.mfa_level || ',' || m.role || ',' ||
		length(CAST(mp.name AS BLOB)) || ',' || mp.name, '')
		FROM memberships m JOIN projects mp ON mp.id = m.project_id
		WHERE m.user_id = s.user_id AND m.accepted_at > 0), '')
FROM q
JOIN projects p ON p.id = COALESCE((SELECT project_id FROM sites WHERE host = q.host),
	(SELECT project_id FROM sites WHERE host = q.wildcard))
LEFT JOIN sessions s ON s.token_hash = q.session AND s.last_seen_at >= q.idle AND s.created_at >= q.created
LEFT JOIN users u ON u.id = s.user_id
LEFT JOIN trusted_computers t ON t.token_hash = q.trust AND t.user_id = s.user_id`

// readAuthzFacts reads, in one statement, what a forward-auth check
// decides from (AuthzFacts keeps the answers).
func (db *DB) readAuthzFacts(ctx context.Context, q phonegate.AuthzQuery) (phonegate.AuthzFacts, error) {
	var f phonegate.AuthzFacts
	var mfa, created, seen, tCreated, tLast int64
	var trust []byte
	var ms string
	s, u := &f.Session, &f.User
	err := db.authz.QueryRowContext(context.WithoutCancel(ctx), q.Host, q.Wildcard, q.SessionHash,
		q.IdleSince.Unix(), q.CreatedSince.Unix(), q.TrustHash, phonegate.RevealEmergency).Scan(
		&f.Project.ID, &f.Project.Name, &f.Project.MFALevel,
		&s.TokenHash, &s.UserID, &mfa, &created, &seen, &u.Email, &u.PhoneVerified,
		&f.RevealWaits, &trust, &tCreated, &tLast, &ms)
	if err != nil {
		return phonegate.AuthzFacts{}, notFound(err, "authz facts")
	}
	s.MFAAt, s.CreatedAt, s.LastSeenAt = unix(mfa), unix(created), unix(seen)
	f.Live = len(s.TokenHash) > 0
	u.ID = s.UserID
	if len(trust) > 0 {
		f.Trust.TokenHash, f.Trust.UserID = trust, s.UserID
		f.Trust.CreatedAt, f.Trust.LastMFAAt = unix(tCreated), unix(tLast)
	}
	if f.Memberships, err = authzMemberships(ms, u.ID); err != nil {
		return phonegate.AuthzFacts{}, fmt.Errorf("store: authz facts: %w", err)
	}
	for _, m := range f.Memberships {
		if m.Project.ID == f.Project.ID {
			f.Role = m.Role
		}
	}
	return f, nil
}

// authzMemberships reads authzSQL's folded memberships of user userID:
// one "id,level,role,n,name" after another, n the name's length in bytes
// (a name may hold any character), into the order Memberships lists them
// in (by name, then ID).
func authzMemberships(folded string, userID int64) ([]phonegate.Membership, error) {
	var ms []phonegate.Membership
	for folded != "" {
		var id, level, role, size string
		var ok bool
		id, folded, _ = strings.Cut(folded, ",")
		level, folded, _ = strings.Cut(folded, ",")
		role, folded, _ = strings.Cut(folded, ",")
		size, folded, ok = strings.Cut(folded, ",")
		pid, err1 := strconv.ParseInt(id, 10, 64)
		n, err2 := strconv.Atoi(size)
		if !ok || err1 != nil || err2 != nil || n < 0 || n > len(folded) {
			return nil, errors.New("memberships folded badly")
		}
		ms = append(ms, phonegate.Membership{UserID: userID, Role: role,
			Project: phonegate.Project{ID: pid, Name: folded[:n], MFALevel: level}})
		folded = folded[n:]
	}
	if len(ms) > 1 {
		slices.SortFunc(ms, func(a, b phonegate.Membership) int {
			return cmp.Or(strings.Compare(a.Project.Name, b.Project.Name), cmp.Compare(a.Project.ID, b.Project.ID))
		})
	}
	return ms, nil
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
