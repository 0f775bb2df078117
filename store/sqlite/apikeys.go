package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// AccountSID returns the account SID of projectID, storing fresh as it
// when the project has none yet.
func (db *DB) AccountSID(ctx context.Context, projectID int64, fresh string) (string, error) {
	var sid string
	err := db.read.QueryRowContext(ctx, `SELECT sid FROM api_accounts WHERE project_id = ?`, projectID).Scan(&sid)
	if err == nil {
		return sid, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: account sid: %w", err)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_accounts (project_id, sid) VALUES (?, ?)
			ON CONFLICT (project_id) DO NOTHING`, projectID, fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT sid FROM api_accounts WHERE project_id = ?`, projectID).Scan(&sid)
	})
	if err != nil {
		return "", fmt.Errorf("store: account sid: %w", err)
	}
	return sid, nil
}

// AddAPIKey stores k, audited in its project's log.
func (db *DB) AddAPIKey(ctx context.Context, k phonegate.APIKey, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_keys (sid, project_id, name, secret_mac, created_at)
			VALUES (?, ?, ?, ?, ?)`, k.SID, k.ProjectID, k.Name, k.SecretMAC, k.CreatedAt.Unix()); err != nil {
			return fmt.Errorf("store: add api key: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: k.ProjectID, ActorID: actorID,
			Kind: "apikey.created", Detail: k.SID + " " + k.Name, At: now})
	})
}

// apiKeyColumns are what scanAPIKey reads, the account SID joined.
const apiKeyColumns = `k.sid, k.project_id, k.name, k.secret_mac, k.created_at, k.last_used_at, k.revoked_at,
	COALESCE(a.sid, '') FROM api_keys k LEFT JOIN api_accounts a ON a.project_id = k.project_id`

// scanAPIKey reads one row of apiKeyColumns.
func scanAPIKey(row scanner) (phonegate.APIKey, error) {
	var k phonegate.APIKey
	var created, used, revoked int64
	if err := row.Scan(&k.SID, &k.ProjectID, &k.Name, &k.SecretMAC, &created, &used, &revoked, &k.AccountSID); err != nil {
		return phonegate.APIKey{}, err
	}
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = unix(created), unix(used), unix(revoked)
	return k, nil
}

// apiKeyWhere returns the one key the condition cond (with arg) picks.
func (db *DB) apiKeyWhere(ctx context.Context, cond string, arg any) (phonegate.APIKey, error) {
	k, err := scanAPIKey(db.read.QueryRowContext(ctx, `SELECT `+apiKeyColumns+` WHERE `+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return phonegate.APIKey{}, fmt.Errorf("store: api key: %w", phonegate.ErrNotFound)
	}
	if err != nil {
		return phonegate.APIKey{}, fmt.Errorf("store: api key: %w", err)
	}
	return k, nil
}

// APIKey returns the key sid, live or revoked.
func (db *DB) APIKey(ctx context.Context, sid string) (phonegate.APIKey, error) {
	return db.apiKeyWhere(ctx, `k.sid = ?`, sid)
}

// APIKeyBySecret returns the key whose secret's MAC is mac.
func (db *DB) APIKeyBySecret(ctx context.Context, mac []byte) (phonegate.APIKey, error) {
	return db.apiKeyWhere(ctx, `k.secret_mac = ?`, mac)
}

// APIKeys returns the live keys of projectID, newest first.
func (db *DB) APIKeys(ctx context.Context, projectID int64) ([]phonegate.APIKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+apiKeyColumns+`
		WHERE k.project_id = ? AND k.revoked_at = 0 ORDER BY k.created_at DESC, k.sid`, projectID)
	return collect("api keys", rows, err, scanAPIKey)
}

// RevokeAPIKey revokes the live key sid of projectID, audited.
func (db *DB) RevokeAPIKey(ctx context.Context, projectID int64, sid string, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, `UPDATE api_keys SET revoked_at = ?
			WHERE sid = ? AND project_id = ? AND revoked_at = 0 RETURNING name`, now.Unix(), sid, projectID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: revoke api key: %w", phonegate.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: revoke api key: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "apikey.revoked", Detail: sid + " " + name, At: now})
	})
}

// TouchAPIKey records the key's last use.
func (db *DB) TouchAPIKey(ctx context.Context, sid string, now time.Time) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE sid = ? AND last_used_at < ?`,
		now.Unix(), sid, now.Unix()); err != nil {
		return fmt.Errorf("store: touch api key: %w", err)
	}
	return nil
}
