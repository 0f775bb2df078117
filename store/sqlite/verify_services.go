package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// serviceAudit is the audit event of a change to service v by the API key
// keySID: the service's SID and name, and the key.
func serviceAudit(kind string, v phonegate.VerifyService, keySID string, now time.Time) phonegate.AuditEvent {
	return phonegate.AuditEvent{ProjectID: v.ProjectID, Kind: kind,
		Detail: v.SID + " " + v.FriendlyName + " (key " + keySID + ")", At: now}
}

// AddVerifyService stores a new service, audited.
func (db *DB) AddVerifyService(ctx context.Context, v phonegate.VerifyService, keySID string, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO verify_services (sid, project_id, friendly_name, code_length,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, v.SID, v.ProjectID, v.FriendlyName, v.CodeLength,
			v.CreatedAt.Unix(), v.UpdatedAt.Unix()); err != nil {
			return fmt.Errorf("store: add verify service: %w", err)
		}
		return addAudit(ctx, tx, serviceAudit("verify.service.created", v, keySID, now))
	})
}

// verifyServiceReturning are the columns scanVerifyService reads.
const verifyServiceReturning = `sid, project_id, friendly_name, code_length, created_at, updated_at`

// verifyServiceColumns are verifyServiceReturning with their table.
const verifyServiceColumns = verifyServiceReturning + ` FROM verify_services`

// scanVerifyService reads one row of verifyServiceReturning.
func scanVerifyService(row scanner) (phonegate.VerifyService, error) {
	var v phonegate.VerifyService
	var created, updated int64
	if err := row.Scan(&v.SID, &v.ProjectID, &v.FriendlyName, &v.CodeLength, &created, &updated); err != nil {
		return phonegate.VerifyService{}, err
	}
	v.CreatedAt, v.UpdatedAt = unix(created), unix(updated)
	return v, nil
}

// VerifyService returns the service sid of projectID.
func (db *DB) VerifyService(ctx context.Context, projectID int64, sid string) (phonegate.VerifyService, error) {
	v, err := scanVerifyService(db.read.QueryRowContext(ctx, `SELECT `+verifyServiceColumns+`
		WHERE sid = ? AND project_id = ?`, sid, projectID))
	if errors.Is(err, sql.ErrNoRows) {
		return phonegate.VerifyService{}, fmt.Errorf("store: verify service: %w", phonegate.ErrNotFound)
	}
	if err != nil {
		return phonegate.VerifyService{}, fmt.Errorf("store: verify service: %w", err)
	}
	return v, nil
}

// VerifyServices returns a page of the services of projectID, oldest first:
// by creation time, and in the order they were stored within one second.
func (db *DB) VerifyServices(ctx context.Context, projectID int64, offset, limit int) ([]phonegate.VerifyService, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+verifyServiceColumns+`
		WHERE project_id = ? ORDER BY created_at, rowid LIMIT ? OFFSET ?`, projectID, limit, offset)
	return collect("verify services", rows, err, scanVerifyService)
}

// UpdateVerifyService stores the changes of v, audited.
func (db *DB) UpdateVerifyService(ctx context.Context, v phonegate.VerifyService, keySID string, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE verify_services SET friendly_name = ?, code_length = ?, updated_at = ?
			WHERE sid = ? AND project_id = ?`, v.FriendlyName, v.CodeLength, v.UpdatedAt.Unix(), v.SID, v.ProjectID)
		if err != nil {
			return fmt.Errorf("store: update verify service: %w", err)
		}
		if err := mustAffect(res, "verify service"); err != nil {
			return err
		}
		return addAudit(ctx, tx, serviceAudit("verify.service.updated", v, keySID, now))
	})
}

// DeleteVerifyService deletes the service sid of projectID, audited.
func (db *DB) DeleteVerifyService(ctx context.Context, projectID int64, sid, keySID string, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		v, err := scanVerifyService(tx.QueryRowContext(ctx, `DELETE FROM verify_services
			WHERE sid = ? AND project_id = ? RETURNING `+verifyServiceReturning, sid, projectID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: delete verify service: %w", phonegate.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: delete verify service: %w", err)
		}
		return addAudit(ctx, tx, serviceAudit("verify.service.deleted", v, keySID, now))
	})
}
