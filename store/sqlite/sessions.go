package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/phonegate/phonegate"
)

const sessionColumns = `token_hash, user_id, csrf_token, mfa_at, elevated_until, user_agent, created_at, last_seen_at`

func scanSession(row interface{ Scan(...any) error }) (phonegate.Session, error) {
	var s phonegate.Session
	var mfa, elev, created, seen int64
	err := row.Scan(&s.TokenHash, &s.UserID, &s.CSRFToken, &mfa, &elev, &s.UserAgent, &created, &seen)
	s.MFAAt, s.ElevatedUntil, s.CreatedAt, s.LastSeenAt = unix(mfa), unix(elev), unix(created), unix(seen)
	return s, err
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s phonegate.Session) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.UserID, s.CSRFToken, secs(s.MFAAt), secs(s.ElevatedUntil), s.UserAgent,
		s.CreatedAt.Unix(), s.LastSeenAt.Unix())
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns the live session with the given token hash and marks it
// seen at now. A session idle since before idleSince, or created before
// createdSince, is deleted and reported as ErrNotFound.
func (db *DB) Session(ctx context.Context, tokenHash []byte, now, idleSince, createdSince time.Time) (phonegate.Session, error) {
	s, err := scanSession(db.read.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = ?`, tokenHash))
	if err != nil {
		return phonegate.Session{}, notFound(err, "session")
	}
	if s.LastSeenAt.Before(idleSince) || s.CreatedAt.Before(createdSince) {
		if err := db.DeleteSession(ctx, tokenHash); err != nil {
			return phonegate.Session{}, err
		}
		return phonegate.Session{}, fmt.Errorf("store: session expired: %w", phonegate.ErrNotFound)
	}
	// Touching last_seen_at costs a write per request; a minute's precision
	// is plenty for a 30-minute idle limit.
	if now.Sub(s.LastSeenAt) >= time.Minute {
		if _, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`,
			now.Unix(), tokenHash); err != nil {
			return phonegate.Session{}, fmt.Errorf("store: touch session: %w", err)
		}
		s.LastSeenAt = unix(now.Unix())
	}
	return s, nil
}

// RenewSession moves a session to a new token hash and CSRF token, keeping
// everything else, and sets its second-factor time when mfaAt is not zero.
// Renewing at each step of a login defeats session fixation.
func (db *DB) RenewSession(ctx context.Context, oldHash, newHash []byte, csrf string, mfaAt time.Time) error {
	res, err := db.write.ExecContext(ctx, `UPDATE sessions SET token_hash = ?, csrf_token = ?,
		mfa_at = CASE WHEN ? = 0 THEN mfa_at ELSE ? END WHERE token_hash = ?`,
		newHash, csrf, secs(mfaAt), secs(mfaAt), oldHash)
	if err != nil {
		return fmt.Errorf("store: renew session: %w", err)
	}
	return mustAffect(res, "session")
}

// ElevateSessionFor marks a session as re-authenticated until the given
// time ("Authenticate to make changes") and writes it into the audit log
// of the project whose page asked for it, in one transaction.
func (db *DB) ElevateSessionFor(ctx context.Context, tokenHash []byte, until time.Time, projectID, userID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET elevated_until = ? WHERE token_hash = ?`, until.Unix(), tokenHash)
		if err != nil {
			return fmt.Errorf("store: elevate session: %w", err)
		}
		if err := mustAffect(res, "session"); err != nil {
			return err
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "session.elevated", Detail: fmt.Sprintf("for %d minutes", int(math.Round(until.Sub(now).Minutes()))), At: now})
	})
}

// DeleteSession ends a session. Ending one that is already gone is no error.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// UserSessions lists a user's sessions, newest first.
func (db *DB) UserSessions(ctx context.Context, userID int64) ([]phonegate.Session, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = ? ORDER BY last_seen_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	defer rows.Close()
	var ss []phonegate.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sessions: %w", err)
		}
		ss = append(ss, s)
	}
	return ss, rows.Err()
}

// DeleteUserSessions ends every session of a user except keep (which may be nil).
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64, keep []byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return deleteUserSessions(ctx, tx, userID, keep) })
}

func deleteUserSessions(ctx context.Context, tx *sql.Tx, userID int64, keep []byte) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?`, userID, keep); err != nil {
		return fmt.Errorf("store: delete sessions: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes sessions idle since before idleSince or
// created before createdSince, and returns how many went.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleSince, createdSince time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?`,
		idleSince.Unix(), createdSince.Unix())
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
