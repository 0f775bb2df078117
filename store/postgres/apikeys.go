package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// AccountSID returns the account SID of projectID, storing fresh as it when the project has
// none yet, so that instances asking at once agree on one SID. The read is a statement of its
// own after the INSERT … ON CONFLICT DO NOTHING: one that lost the race waited for the winner,
// and only a new statement's snapshot sees the winner's row.
func (db *DB) AccountSID(ctx context.Context, projectID int64, fresh string) (string, error) {
	var sid string
	err := db.pool.QueryRow(ctx, `SELECT sid FROM api_accounts WHERE project_id = $1`, projectID).Scan(&sid)
	if err == nil {
		return sid, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("store: account sid: %w", err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO api_accounts (project_id, sid) VALUES ($1, $2)
		ON CONFLICT (project_id) DO NOTHING`, projectID, fresh); err != nil {
		return "", fmt.Errorf("store: account sid: %w", err)
	}
	if err := db.pool.QueryRow(ctx, `SELECT sid FROM api_accounts WHERE project_id = $1`, projectID).Scan(&sid); err != nil {
		return "", fmt.Errorf("store: account sid: %w", err)
	}
	return sid, nil
}

// AddAPIKey stores k, audited in its project's log.
func (db *DB) AddAPIKey(ctx context.Context, k phonegate.APIKey, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO api_keys (sid, project_id, name, secret_mac, created_at)
			VALUES ($1, $2, $3, $4, $5)`, k.SID, k.ProjectID, k.Name, k.SecretMAC, tz(k.CreatedAt)); err != nil {
			return fmt.Errorf("store: add api key: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: k.ProjectID, ActorID: actorID,
			Kind: "apikey.created", Detail: k.SID + " " + k.Name, At: now})
	})
}

// apiKeyColumns are what scanAPIKey reads, the account SID joined.
const apiKeyColumns = `k.sid, k.project_id, k.name, k.secret_mac, k.created_at, k.last_used_at, k.revoked_at,
	COALESCE(a.sid, '') FROM api_keys k LEFT JOIN api_accounts a ON a.project_id = k.project_id`

func scanAPIKey(row pgx.Row) (phonegate.APIKey, error) {
	var k phonegate.APIKey
	err := row.Scan(&k.SID, &k.ProjectID, &k.Name, &k.SecretMAC, ts(&k.CreatedAt), ts(&k.LastUsedAt), ts(&k.RevokedAt),
		&k.AccountSID)
	return k, err
}

// APIKey returns the key sid, live or revoked.
func (db *DB) APIKey(ctx context.Context, sid string) (phonegate.APIKey, error) {
	k, err := scanAPIKey(db.pool.QueryRow(ctx, `SELECT `+apiKeyColumns+` WHERE k.sid = $1`, sid))
	if err != nil {
		return phonegate.APIKey{}, notFound(err, "api key")
	}
	return k, nil
}

// APIKeyBySecret returns the key whose secret's MAC is mac.
func (db *DB) APIKeyBySecret(ctx context.Context, mac []byte) (phonegate.APIKey, error) {
	k, err := scanAPIKey(db.pool.QueryRow(ctx, `SELECT `+apiKeyColumns+` WHERE k.secret_mac = $1`, mac))
	if err != nil {
		return phonegate.APIKey{}, notFound(err, "api key")
	}
	return k, nil
}

// APIKeys returns the live keys of projectID, newest first.
func (db *DB) APIKeys(ctx context.Context, projectID int64) ([]phonegate.APIKey, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+apiKeyColumns+`
		WHERE k.project_id = $1 AND k.revoked_at IS NULL ORDER BY k.created_at DESC, k.sid COLLATE "C"`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: api keys: %w", err)
	}
	ks, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.APIKey, error) { return scanAPIKey(row) })
	if err != nil {
		return nil, fmt.Errorf("store: api keys: %w", err)
	}
	return ks, nil
}

// RevokeAPIKey revokes the live key sid of projectID, audited.
func (db *DB) RevokeAPIKey(ctx context.Context, projectID int64, sid string, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `UPDATE api_keys SET revoked_at = $1
			WHERE sid = $2 AND project_id = $3 AND revoked_at IS NULL RETURNING name`, tz(now), sid, projectID).Scan(&name)
		if err != nil {
			return notFound(err, "revoke api key")
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "apikey.revoked", Detail: sid + " " + name, At: now})
	})
}

// TouchAPIKey records the key's last use; a use in the same second writes nothing.
func (db *DB) TouchAPIKey(ctx context.Context, sid string, now time.Time) error {
	if _, err := db.pool.Exec(ctx, `UPDATE api_keys SET last_used_at = $1
		WHERE sid = $2 AND (last_used_at IS NULL OR last_used_at < $1)`, tz(now), sid); err != nil {
		return fmt.Errorf("store: touch api key: %w", err)
	}
	return nil
}
