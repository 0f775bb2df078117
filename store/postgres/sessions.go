package postgres

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const sessionColumns = `token_hash, user_id, csrf_token, mfa_at, elevated_until, user_agent, created_at, last_seen_at`

func scanSession(row pgx.Row) (phonegate.Session, error) {
	var s phonegate.Session
	err := row.Scan(&s.TokenHash, &s.UserID, &s.CSRFToken, ts(&s.MFAAt), ts(&s.ElevatedUntil), &s.UserAgent,
		ts(&s.CreatedAt), ts(&s.LastSeenAt))
	return s, err
}

// CreateSession stores a new session.
func (db *DB) CreateSession(ctx context.Context, s phonegate.Session) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.TokenHash, s.UserID, s.CSRFToken, tz(s.MFAAt), tz(s.ElevatedUntil), s.UserAgent, tz(s.CreatedAt), tz(s.LastSeenAt))
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns the live session with the given token hash and marks it seen at now. A
// session idle since before idleSince, or created before createdSince, is deleted and reported
// as ErrNotFound. The idle clock is touched at most once a minute, by a conditional UPDATE, so
// that a read path costs no write per request on any instance.
func (db *DB) Session(ctx context.Context, tokenHash []byte, now, idleSince, createdSince time.Time) (phonegate.Session, error) {
	s, err := scanSession(db.pool.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return phonegate.Session{}, notFound(err, "session")
	}
	if s.LastSeenAt.Before(idleSince) || s.CreatedAt.Before(createdSince) {
		if err := db.DeleteSession(ctx, tokenHash); err != nil {
			return phonegate.Session{}, err
		}
		return phonegate.Session{}, fmt.Errorf("store: session expired: %w", phonegate.ErrNotFound)
	}
	if now.Sub(s.LastSeenAt) >= time.Minute {
		seen := tz(now)
		if _, err := db.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = GREATEST(last_seen_at, $1) WHERE token_hash = $2`,
			seen, tokenHash); err != nil {
			return phonegate.Session{}, fmt.Errorf("store: touch session: %w", err)
		}
		s.LastSeenAt = seen.Time
	}
	return s, nil
}

// RenewSession moves a session to a new token hash and CSRF token, keeping everything else,
// and sets its second-factor time when mfaAt is not zero.
func (db *DB) RenewSession(ctx context.Context, oldHash, newHash []byte, csrf string, mfaAt time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE sessions SET token_hash = $1, csrf_token = $2,
		mfa_at = COALESCE($3, mfa_at) WHERE token_hash = $4`, newHash, csrf, tz(mfaAt), oldHash)
	return mustAffect(tag, err, "renew session")
}

// ElevateSessionFor marks a session as re-authenticated until the given time and writes it into
// the audit log of the project whose page asked for it, in one transaction.
func (db *DB) ElevateSessionFor(ctx context.Context, tokenHash []byte, until time.Time, projectID, userID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sessions SET elevated_until = $1 WHERE token_hash = $2`, tz(until), tokenHash)
		if err := mustAffect(tag, err, "elevate session"); err != nil {
			return err
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "session.elevated", Detail: fmt.Sprintf("for %d minutes", int(math.Round(until.Sub(now).Minutes()))), At: now})
	})
}

// DeleteSession ends a session. Ending one that is already gone is no error.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// UserSessions lists a user's sessions, newest first.
func (db *DB) UserSessions(ctx context.Context, userID int64) ([]phonegate.Session, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+sessionColumns+` FROM sessions
		WHERE user_id = $1 ORDER BY last_seen_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	ss, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Session, error) { return scanSession(row) })
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	return ss, nil
}

// DeleteExpiredSessions removes sessions idle since before idleSince or created before
// createdSince, and returns how many went.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleSince, createdSince time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2`,
		tz(idleSince), tz(createdSince))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return tag.RowsAffected(), nil
}

// EndOtherSessions ends every session of a user but keep (the one that asks), those still
// between the password and the code included, and audits it as an account event. It returns
// how many sessions it ended.
func (db *DB) EndOtherSessions(ctx context.Context, userID int64, keep []byte, now time.Time) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2`, userID, keep)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "sessions.revoked",
			Detail: phonegate.OtherSessionsWords(int(n)) + " logged out", At: now})
	})
	if err != nil {
		return 0, fmt.Errorf("store: end other sessions: %w", err)
	}
	return int(n), nil
}
