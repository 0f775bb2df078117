package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

const userColumns = `id, email, password_hash, phone, phone_verified, preferred_channel,
	emergency_hash, mfa_failures, mfa_locked_until, created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (phonegate.User, error) {
	var u phonegate.User
	var locked, created int64
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &u.Phone, &u.PhoneVerified, &u.PreferredChannel,
		&u.EmergencyHash, &u.MFAFailures, &locked, &created}, extra...)...)
	u.MFALockedUntil = unix(locked)
	u.CreatedAt = unix(created)
	return u, err
}

// unix turns stored Unix seconds into a time, keeping 0 as the zero time.
func unix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// secs turns a time into stored Unix seconds, keeping the zero time as 0.
func secs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// CreateUser adds a user. passwordHash may be empty for an invited user who
// has not chosen a password yet. It returns ErrConflict when the email is
// taken.
func (db *DB) CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (phonegate.User, error) {
	var u phonegate.User
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = createUser(ctx, tx, email, passwordHash, now)
		return err
	})
	return u, err
}

func createUser(ctx context.Context, tx *sql.Tx, email, passwordHash string, now time.Time) (phonegate.User, error) {
	row := tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)
		RETURNING `+userColumns, email, passwordHash, now.Unix())
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
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return phonegate.User{}, notFound(err, "user")
	}
	return u, nil
}

// UserByEmail returns the user with the given email, compared without case.
func (db *DB) UserByEmail(ctx context.Context, email string) (phonegate.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	if err != nil {
		return phonegate.User{}, notFound(err, "user")
	}
	return u, nil
}

// CountUsers returns how many users exist.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// SetPasswordHash replaces a user's password hash and nothing else; it is
// used to upgrade a hash whose parameters changed.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return mustAffect(res, "user")
}

// ChangePassword replaces a user's password hash, ends every other session
// of the user and forgets every trusted computer of the user.
func (db *DB) ChangePassword(ctx context.Context, userID int64, hash string, keepSession []byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		if err := mustAffect(res, "user"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash != ?`, userID, keepSession); err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM trusted_computers WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		return nil
	})
}

func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("store: %s: %w", what, phonegate.ErrNotFound)
	}
	return nil
}

// ResetSecondFactor forgets a user's phone and emergency code, clears the
// failure count and lock, forgets their trusted computers, cancels their
// pending challenges and ends their sessions, so that at the next login
// they verify a phone again; the new phone can be verified only by a
// session that types the one-time recovery code whose keyed hash is
// recoveryMAC, within RecoveryLife. It is audited in each of the user's
// projects. It checks no authority: it is for the command line; a
// project's members page uses ResetMemberSecondFactor.
func (db *DB) ResetSecondFactor(ctx context.Context, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return resetSecondFactor(ctx, tx, userID, actorID, recoveryMAC, now) })
}

func resetSecondFactor(ctx context.Context, tx *sql.Tx, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET phone = '', phone_verified = 0, emergency_hash = '',
		mfa_failures = 0, mfa_locked_until = 0 WHERE id = ?`, userID)
	if err != nil {
		return fmt.Errorf("store: reset 2fa: %w", err)
	}
	if err := mustAffect(res, "user"); err != nil {
		return err
	}
	for _, q := range []string{
		`DELETE FROM trusted_computers WHERE user_id = ?`,
		`UPDATE challenges SET state = 'cancelled', code_sealed = NULL WHERE user_id = ? AND state = 'pending'`,
		`DELETE FROM sessions WHERE user_id = ?`,
		`DELETE FROM factors WHERE user_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, userID); err != nil {
			return fmt.Errorf("store: reset 2fa: %w", err)
		}
	}
	if err := addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: actorID, Kind: "2fa.reset", At: now}); err != nil {
		return err
	}
	return issueRecovery(ctx, tx, userID, actorID, recoveryMAC, now)
}
