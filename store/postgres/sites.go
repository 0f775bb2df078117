package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// AddSite makes host (normalized, phonegate.NormalizeSiteHost) a protected site of projectID and
// writes it into the project's audit log, in one transaction. A host that is already a site, of
// any project, is phonegate.ErrSiteTaken.
func (db *DB) AddSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO sites (host, project_id, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (host) DO NOTHING`, host, projectID, tz(now))
		if err != nil {
			return fmt.Errorf("store: add site: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return phonegate.ErrSiteTaken
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "site.added", Detail: host, At: now})
	})
}

// RemoveSite removes the protected site host of projectID, audited; a host that is not one of
// the project's sites is ErrNotFound.
func (db *DB) RemoveSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM sites WHERE host = $1 AND project_id = $2`, host, projectID)
		if err := mustAffect(tag, err, "remove site"); err != nil {
			return err
		}
		return addAudit(ctx, tx, phonegate.AuditEvent{ProjectID: projectID, ActorID: actorID,
			Kind: "site.removed", Detail: host, At: now})
	})
}

func scanSite(row pgx.Row) (phonegate.Site, error) {
	var s phonegate.Site
	err := row.Scan(&s.Host, &s.ProjectID, ts(&s.CreatedAt))
	return s, err
}

// Sites returns the protected sites of projectID, by host.
func (db *DB) Sites(ctx context.Context, projectID int64) ([]phonegate.Site, error) {
	rows, err := db.pool.Query(ctx, `SELECT host, project_id, created_at FROM sites
		WHERE project_id = $1 ORDER BY host COLLATE "C"`, projectID)
	if err != nil {
		return nil, fmt.Errorf("store: sites: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phonegate.Site, error) { return scanSite(row) })
	if err != nil {
		return nil, fmt.Errorf("store: sites: %w", err)
	}
	return out, nil
}

// SiteFor returns the first of hosts, in their order, that is a protected site, in one read;
// ErrNotFound when none is.
func (db *DB) SiteFor(ctx context.Context, hosts []string) (phonegate.Site, error) {
	if len(hosts) == 0 {
		return phonegate.Site{}, fmt.Errorf("store: site: %w", phonegate.ErrNotFound)
	}
	s, err := scanSite(db.pool.QueryRow(ctx, `SELECT host, project_id, created_at FROM sites
		WHERE host = ANY($1) ORDER BY array_position($1, host) LIMIT 1`, hosts))
	if err != nil {
		return phonegate.Site{}, notFound(err, "site")
	}
	return s, nil
}
