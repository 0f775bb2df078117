package phonegate

import "time"

// PoolStats are the figures of one of a store's connection pools, read
// when the operator's metrics are scraped.
type PoolStats struct {
	Pool         string        // which pool: "read", "write", or a store's own name
	MaxOpen      int           // the most connections it may open; 0 for no limit
	Open         int           // connections open now, in use or idle
	InUse        int           // connections in use now
	Idle         int           // idle connections now
	WaitCount    int64         // how many times a caller waited for a connection, ever
	WaitDuration time.Duration // how long callers waited for connections in all, ever
}

// PoolReporter is what a store implements to show its connection pools in
// the operator's metrics (SQLite's database/sql pools, PostgreSQL's
// pgxpool). A store that does not implement it shows none.
type PoolReporter interface {
	// PoolStats returns the figures of each pool, read now; it must be
	// cheap and safe for concurrent use.
	PoolStats() []PoolStats
}
