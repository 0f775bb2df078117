package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

const userColumns = `id, email, password_hash, phone, phone_verified, preferred_channel,
	emergency_hash, mfa_failures, mfa_locked_until, created_at`

func scanUser(row pgx.Row, extra ...any) (phonegate.User, error) {
	var u phonegate.User
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &u.Phone, &u.PhoneVerified, &u.PreferredChannel,
		&u.EmergencyHash, &u.MFAFailures, ts(&u.MFALockedUntil), ts(&u.CreatedAt)}, extra...)...)
	return u, err
}

// CreateUser adds a user. passwordHash may be empty for an invited user who has not chosen a
// password yet. It returns ErrConflict when the email is taken, in any case.
func (db *DB) CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (phonegate.User, error) {
	var u phonegate.User
	err := db.tx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = createUser(ctx, tx, email, passwordHash, now)
		return err
	})
	return u, err
}

func createUser(ctx context.Context, tx pgx.Tx, email, passwordHash string, now time.Time) (phonegate.User, error) {
	row := tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3)
		RETURNING `+userColumns, email, passwordHash, tz(now))
	u, err := scanUser(row)
	if isUnique(err) {
		return phonegate.User{}, fmt.Errorf("store: create user %s: %w", email, phonegate.ErrConflict)
	}
	if err != nil {
		return phonegate.User{}, fmt.Errorf("store: create user: %w", err)
	}
	return u, nil
}

// User returns the user with the given ID.
func (db *DB) User(ctx context.Context, id int64) (phonegate.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return phonegate.User{}, notFound(err, "user")
	}
	return u, nil
}

// UserByEmail returns the user with the given email, compared without case.
func (db *DB) UserByEmail(ctx context.Context, email string) (phonegate.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email))
	if err != nil {
		return phonegate.User{}, notFound(err, "user")
	}
	return u, nil
}

// CountUsers returns how many users exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// SetPasswordHash replaces a user's password hash and nothing else; it is used to upgrade a
// hash whose parameters changed.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	tag, err := db.pool.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
	return mustAffect(tag, err, "set password")
}

// ChangePassword replaces a user's password hash, ends every other session of the user and
// forgets every trusted computer of the user.
func (db *DB) ChangePassword(ctx context.Context, userID int64, hash string, keepSession []byte) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID)
		if err := mustAffect(tag, err, "change password"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2`,
			userID, keepSession); err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM trusted_computers WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		return nil
	})
}

// ResetSecondFactor forgets a user's phone and emergency code, clears the failure count and
// lock, forgets their trusted computers, cancels their pending challenges and ends their
// sessions; the new phone can be verified only by a session that types the one-time recovery
// code whose keyed hash is recoveryMAC, within RecoveryLife. It checks no authority: it is for
// the command line; a project's members page uses ResetMemberSecondFactor.
func (db *DB) ResetSecondFactor(ctx context.Context, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error { return resetSecondFactor(ctx, tx, userID, actorID, recoveryMAC, now) })
}

func resetSecondFactor(ctx context.Context, tx pgx.Tx, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	tag, err := tx.Exec(ctx, `UPDATE users SET phone = '', phone_verified = false, emergency_hash = '',
		mfa_failures = 0, mfa_locked_until = NULL WHERE id = $1`, userID)
	if err := mustAffect(tag, err, "reset 2fa"); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM trusted_computers WHERE user_id = $1`,
		`UPDATE challenges SET state = 'cancelled', code_sealed = NULL WHERE user_id = $1 AND state = 'pending'`,
		`DELETE FROM sessions WHERE user_id = $1`,
		`DELETE FROM factors WHERE user_id = $1`,
	} {
		if _, err := tx.Exec(ctx, q, userID); err != nil {
			return fmt.Errorf("store: reset 2fa: %w", err)
		}
	}
	if err := addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: actorID, Kind: "2fa.reset", At: now}); err != nil {
		return err
	}
	return issueRecovery(ctx, tx, userID, actorID, recoveryMAC, now)
}
