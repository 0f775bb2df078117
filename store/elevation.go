package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

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
		return addAudit(ctx, tx, AuditEvent{ProjectID: projectID, UserID: userID, ActorID: userID,
			Kind: "session.elevated", Detail: fmt.Sprintf("for %d minutes", int(math.Round(until.Sub(now).Minutes()))), At: now})
	})
}
