package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/postgres"
)

// The status benchmarks run on a migrated database of their own. Writes that change nothing
// cost less than writes that do, so each measured update is a first one for its status.

// benchCaps lift the global daily caps for the deliveries a benchmark stores.
var benchCaps = phonegate.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}

// benchDeliveries stores n SMS deliveries, MaxChallengeSends per challenge, on db.
func benchDeliveries(tb testing.TB, db *postgres.DB, n int) []phonegate.Delivery {
	tb.Helper()
	ctx := context.Background()
	now := time.Now()
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, phonegate.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	u, err := db.CreateUser(ctx, fmt.Sprintf("bench%d@example.com", now.UnixNano()), "h", now)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.CreateProject(ctx, u.ID, "Bench", now); err != nil {
		tb.Fatal(err)
	}
	var ds []phonegate.Delivery
	for i := 0; len(ds) < n; i++ {
		id := fmt.Sprintf("bench-%d-%d", now.UnixNano(), i)
		c := phonegate.Challenge{ID: id, UserID: u.ID, SessionHash: phonegate.HashToken(id), Purpose: phonegate.PurposeLogin,
			Label: "Bench", Phone: fmt.Sprintf("+1202%07d", i), CodeMAC: keys.CodeMAC(id, "042917"),
			CodeSealed: keys.Seal(id, "042917"), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := db.CreateChallenge(ctx, c); err != nil {
			tb.Fatal(err)
		}
		for range min(phonegate.MaxChallengeSends, n-len(ds)) {
			d, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: phonegate.ChannelSMS, To: c.Phone,
				Now: now, Automatic: true, Caps: benchCaps})
			if err != nil {
				tb.Fatal(err)
			}
			ds = append(ds, d)
		}
	}
	return ds
}

// BenchmarkApplyStatus is status callbacks arriving 64 at a time, as under a burst, each one
// moving its delivery forward (sending, sent, delivered): the updates queued together share
// one transaction (group commit). ns/op is wall time per update; writes/tx the mean batch.
func BenchmarkApplyStatus(b *testing.B) {
	db := open(b)
	ctx := context.Background()
	statuses := [...]string{"sending", "sent", "delivered"}
	ds := benchDeliveries(b, db, b.N/len(statuses)+1)
	now := time.Now()
	var next atomic.Int64
	before := db.BatchFigures()
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			// Each delivery's three statuses come len(ds) updates apart.
			n := int(next.Add(1) - 1)
			d, st := ds[n%len(ds)], statuses[n/len(ds)]
			if _, _, err := db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: st, At: now}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	f := db.BatchFigures()
	b.ReportMetric(float64(f.Writes-before.Writes)/float64(max(1, f.Commits-before.Commits)), "writes/tx")
}
