package postgres

import (
	"github.com/phonegate/phonegate"
)

// PoolStats returns the figures of the database's pgxpool
// (phonegate.PoolReporter), for the operator's metrics.
func (db *DB) PoolStats() []phonegate.PoolStats {
	st := db.pool.Stat()
	return []phonegate.PoolStats{{
		Pool:         "postgres",
		MaxOpen:      int(st.MaxConns()),
		Open:         int(st.TotalConns()),
		InUse:        int(st.AcquiredConns()),
		Idle:         int(st.IdleConns()),
		WaitCount:    st.EmptyAcquireCount(),
		WaitDuration: st.EmptyAcquireWaitTime(),
	}}
}

var _ phonegate.PoolReporter = (*DB)(nil)
