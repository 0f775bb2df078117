package storetest

import (
	"context"
	"testing"

	"github.com/phonegate/phonegate"
)

// testPingClosed: a closed store's Ping fails, so that the health check
// answers 503 for the store it has.
func testPingClosed(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	if err := db.Ping(ctx, t0); err != nil {
		t.Fatalf("Ping of an open store: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Ping(ctx, t0); err == nil {
		t.Error("Ping of a closed store: got nil, want an error")
	}
}

// testPoolStats: a store that reports its pools names each, with figures
// that add up, and shows the connection a read used.
func testPoolStats(t *testing.T, open opener) {
	db := open(t)
	pr, ok := db.(phonegate.PoolReporter)
	if !ok {
		t.Skip("the store reports no pools")
	}
	if _, err := db.CountUsers(context.Background()); err != nil {
		t.Fatal(err)
	}
	pools := pr.PoolStats()
	if len(pools) == 0 {
		t.Fatal("PoolStats: got no pools, want at least one")
	}
	conns := 0
	seen := map[string]bool{}
	for _, p := range pools {
		if p.Pool == "" || seen[p.Pool] {
			t.Errorf("pool name %q: want a distinct non-empty name", p.Pool)
		}
		seen[p.Pool] = true
		if p.InUse+p.Idle != p.Open || p.InUse < 0 || p.Idle < 0 {
			t.Errorf("pool %s: in use %d + idle %d, want open %d", p.Pool, p.InUse, p.Idle, p.Open)
		}
		if p.MaxOpen > 0 && p.Open > p.MaxOpen {
			t.Errorf("pool %s: open %d, want at most %d", p.Pool, p.Open, p.MaxOpen)
		}
		conns += p.Open
	}
	if conns == 0 {
		t.Error("after a read: got no open connection, want one at least")
	}
}
