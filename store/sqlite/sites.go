package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// AddSite makes host (normalized, phonegate.NormalizeSiteHost) a protected
// site of projectID and writes it into the project's audit log, in one
// transaction. A host that is already a site, of any project, is
// phonegate.ErrSiteTaken.
func (db *DB) AddSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sites (host, project_id, created_at) VALUES (?, ?, ?)`,
			host, projectID, now.Unix())
		if isUnique(err) {
			return phonegate.ErrSiteTaken
		}
		if err != nil {
			return fmt.Errorf("store: add site: %w", err)
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "site.added", Detail: host, At: now})
	})
}

// RemoveSite removes the protected site host of projectID, audited; a host
// that is not one of the project's sites is ErrNotFound.
func (db *DB) RemoveSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sites WHERE host = ? AND project_id = ?`, host, projectID)
		if err != nil {
			return fmt.Errorf("store: remove site: %w", err)
		}
		if err := mustAffect(res, "site"); err != nil {
			return err
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "site.removed", Detail: host, At: now})
	})
}

// Sites returns the protected sites of projectID, by host.
func (db *DB) Sites(ctx context.Context, projectID int64) ([]phonegate.Site, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT host, project_id, created_at FROM sites WHERE project_id = ? ORDER BY host`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: sites: %w", err)
	}
	defer rows.Close()
	var out []phonegate.Site
	for rows.Next() {
		var s phonegate.Site
		var created int64
		if err := rows.Scan(&s.Host, &s.ProjectID, &created); err != nil {
			return nil, fmt.Errorf("store: sites: %w", err)
		}
		s.CreatedAt = unix(created)
		out = append(out, s)
	}
	return out, rows.Err()
}

// SiteFor returns the first of hosts, in their order, that is a protected
// site; ErrNotFound when none is.
func (db *DB) SiteFor(ctx context.Context, hosts []string) (phonegate.Site, error) {
	for _, h := range hosts {
		var s phonegate.Site
		var created int64
		err := db.read.QueryRowContext(ctx, `SELECT host, project_id, created_at FROM sites WHERE host = ?`, h).
			Scan(&s.Host, &s.ProjectID, &created)
		if err == sql.ErrNoRows {
			continue
		}
		if err != nil {
			return phonegate.Site{}, fmt.Errorf("store: site: %w", err)
		}
		s.CreatedAt = unix(created)
		return s, nil
	}
	return phonegate.Site{}, fmt.Errorf("store: site: %w", phonegate.ErrNotFound)
}
