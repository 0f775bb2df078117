package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// serviceAudit is the audit event of a change to service v by the API key keySID.
func serviceAudit(kind string, v phonegate.VerifyService, keySID string, now time.Time) phonegate.AuditEvent {
	return phonegate.AuditEvent{ProjectID: v.ProjectID, Kind: kind,
		Detail: v.SID + " " + v.FriendlyName + " (key " + keySID + ")", At: now}
}

// AddVerifyService stores a new service, audited.
func (db *DB) AddVerifyService(ctx context.Context, v phonegate.VerifyService, keySID string, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO verify_services (sid, project_id, friendly_name, code_length,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)`, v.SID, v.ProjectID, v.FriendlyName, v.CodeLength,
			tz(v.CreatedAt), tz(v.UpdatedAt)); err != nil {
			return fmt.Errorf("store: add verify service: %w", err)
		}
		return addAudit(ctx, tx, serviceAudit("verify.service.created", v, keySID, now))
	})
}

const verifyServiceColumns = `sid, project_id, friendly_name, code_length, created_at, updated_at`

func scanVerifyService(row pgx.Row) (phonegate.VerifyService, error) {
	var v phonegate.VerifyService
	err := row.Scan(&v.SID, &v.ProjectID, &v.FriendlyName, &v.CodeLength, ts(&v.CreatedAt), ts(&v.UpdatedAt))
	return v, err
}

// VerifyService returns the service sid of projectID.
func (db *DB) VerifyService(ctx context.Context, projectID int64, sid string) (phonegate.VerifyService, error) {
	v, err := scanVerifyService(db.pool.QueryRow(ctx, `SELECT `+verifyServiceColumns+` FROM verify_services
		WHERE sid = $1 AND project_id = $2`, sid, projectID))
	if err != nil {
		return phonegate.VerifyService{}, notFound(err, "verify service")
	}
	return v, nil
}

// VerifyServices returns a page of the services of projectID, oldest first.
func (db *DB) VerifyServices(ctx context.Context, projectID int64, offset, limit int) ([]phonegate.VerifyService, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+verifyServiceColumns+` FROM verify_services
		WHERE project_id = $1 ORDER BY created_at, seq LIMIT $2 OFFSET $3`, projectID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: verify services: %w", err)
	}
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.VerifyService, error) { return scanVerifyService(row) })
	if err != nil {
		return nil, fmt.Errorf("store: verify services: %w", err)
	}
	return vs, nil
}

// UpdateVerifyService stores the changes of v, audited.
func (db *DB) UpdateVerifyService(ctx context.Context, v phonegate.VerifyService, keySID string, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE verify_services SET friendly_name = $1, code_length = $2, updated_at = $3
			WHERE sid = $4 AND project_id = $5`, v.FriendlyName, v.CodeLength, tz(v.UpdatedAt), v.SID, v.ProjectID)
		if err := mustAffect(tag, err, "update verify service"); err != nil {
			return err
		}
		return addAudit(ctx, tx, serviceAudit("verify.service.updated", v, keySID, now))
	})
}

// DeleteVerifyService deletes the service sid of projectID, with its verifications, audited.
func (db *DB) DeleteVerifyService(ctx context.Context, projectID int64, sid, keySID string, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		v, err := scanVerifyService(tx.QueryRow(ctx, `DELETE FROM verify_services
			WHERE sid = $1 AND project_id = $2 RETURNING `+verifyServiceColumns, sid, projectID))
		if err != nil {
			return notFound(err, "delete verify service")
		}
		return addAudit(ctx, tx, serviceAudit("verify.service.deleted", v, keySID, now))
	})
}
