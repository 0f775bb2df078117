package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
)

// EndOtherSessions ends every session of a user but keep (the one that
// asks), those still between the password and the code included, and
// audits it as an account event. It returns how many sessions it ended.
func (db *DB) EndOtherSessions(ctx context.Context, userID int64, keep []byte, now time.Time) (int, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?`, userID, keep)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return addUserAudit(ctx, tx, phonegate.AuditEvent{UserID: userID, ActorID: userID, Kind: "sessions.revoked",
			Detail: phonegate.OtherSessionsWords(int(n)) + " logged out", At: now})
	})
	if err != nil {
		return 0, fmt.Errorf("store: end other sessions: %w", err)
	}
	return int(n), nil
}
