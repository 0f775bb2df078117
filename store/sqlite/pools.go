package sqlite

import (
	"database/sql"

	"github.com/phonegate/phonegate"
)

// PoolStats returns the figures of the database's two pools: the single
// write connection and the readers' pool (phonegate.PoolReporter).
func (db *DB) PoolStats() []phonegate.PoolStats {
	return []phonegate.PoolStats{poolStats("write", db.write.Stats()), poolStats("read", db.read.Stats())}
}

// poolStats names st, database/sql's figures of a pool.
func poolStats(name string, st sql.DBStats) phonegate.PoolStats {
	return phonegate.PoolStats{Pool: name, MaxOpen: st.MaxOpenConnections, Open: st.OpenConnections,
		InUse: st.InUse, Idle: st.Idle, WaitCount: st.WaitCount, WaitDuration: st.WaitDuration}
}
