package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/phonegate/phonegate"
)

// TestApplyStatusAcrossInstances: two stores on one database, as two instances, each with its
// own group commit, take bursts of callbacks for the same deliveries at once: every status,
// two final ones among them, several copies of each, spread over both. Each delivery ends with
// exactly one final status, each status change is stored once and answered as a change once,
// no delivery is ever seen going backwards, the callbacks shared transactions, and no batch
// failed (the instances' batches lock rows in one order, so they never deadlock).
func TestApplyStatusAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs, dsn := openTwo(t)
	ds := benchDeliveries(t, dbs[0], 16)
	updates := []phonegate.StatusUpdate{{Status: "queued"}, {Status: "sending"}, {Status: "sent"},
		{Status: "delivered"}, {Status: "undelivered", ErrorCode: 30003}, {Status: "failed", ErrorCode: 30006}}
	const copies = 4

	type answer struct {
		sent    phonegate.StatusUpdate
		changed bool
		got     phonegate.Delivery
	}
	var mu sync.Mutex
	answers := map[string][]answer{}
	stop := make(chan struct{})
	watched := make(chan error, 1)
	go func() { watched <- watchRanks(ctx, dsn, stop) }()
	now := time.Now()
	var wg sync.WaitGroup
	for k := range ds {
		for side, db := range dbs {
			// The instances get the deliveries in opposite orders: batches that locked rows
			// in the order their writes came would deadlock.
			d := ds[k]
			if side == 1 {
				d = ds[len(ds)-1-k]
			}
			for j, u := range updates {
				u.ID, u.At = d.ID, now.Add(time.Duration(j)*time.Second)
				for range copies / len(dbs) {
					wg.Go(func() {
						changed, got, err := db.ApplyStatus(ctx, u)
						if err != nil {
							t.Errorf("%s %s: %v", u.ID, u.Status, err)
							return
						}
						mu.Lock()
						answers[u.ID] = append(answers[u.ID], answer{u, changed, got})
						mu.Unlock()
					})
				}
			}
		}
	}
	wg.Wait()
	close(stop)
	if err := <-watched; err != nil {
		t.Error(err)
	}

	for _, d := range ds {
		var changes []string
		for _, a := range answers[d.ID] {
			if phonegate.DeliveryRank(a.got.Status) < phonegate.DeliveryRank(a.sent.Status) {
				t.Errorf("%s: %s answered with the delivery at %s, behind it", d.ID, a.sent.Status, a.got.Status)
			}
			if a.changed {
				changes = append(changes, a.sent.Status)
			}
		}
		events, err := dbs[1].DeliveryEvents(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		var stored []string
		finals := 0
		for k, e := range events {
			stored = append(stored, e.Status)
			if phonegate.DeliveryFinal(e.Status) {
				finals++
			}
			if k > 0 && phonegate.DeliveryRank(e.Status) <= phonegate.DeliveryRank(events[k-1].Status) {
				t.Errorf("%s: events %v do not rise", d.ID, stored)
			}
		}
		slices.Sort(changes)
		sorted := slices.Sorted(slices.Values(stored))
		if !slices.Equal(changes, sorted) {
			t.Errorf("%s: answered as changes %v, stored %v; want each change stored and answered once", d.ID, changes, sorted)
		}
		if finals != 1 {
			t.Errorf("%s: %d final statuses stored (%v), want 1", d.ID, finals, stored)
		}
		got, err := dbs[0].Delivery(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := events[len(events)-1]
		if got.Status != last.Status || got.ErrorCode != last.ErrorCode {
			t.Errorf("%s: delivery at %s (%d), its last event %s (%d)", d.ID, got.Status, got.ErrorCode, last.Status, last.ErrorCode)
		}
	}
	for i, db := range dbs {
		f := db.BatchFigures()
		t.Logf("instance %d: %d writes in %d transactions, %d run again alone", i, f.Writes, f.Commits, f.Alone)
		if f.Writes == 0 || f.Commits >= f.Writes {
			t.Errorf("instance %d: %d writes in %d transactions, want fewer transactions than writes", i, f.Writes, f.Commits)
		}
		if f.Alone != 0 {
			t.Errorf("instance %d: %d writes run again alone, want no failed batch", i, f.Alone)
		}
	}
}

// watchRanks reads every delivery's rank over and over, on a connection of its own, until stop
// is closed, and reports the first delivery it saw going backwards.
func watchRanks(ctx context.Context, dsn string, stop <-chan struct{}) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	seen := map[string]int{}
	for reads := 0; ; reads++ {
		select {
		case <-stop:
			if reads == 0 {
				return fmt.Errorf("the ranks were never read")
			}
			return nil
		default:
		}
		rows, err := conn.Query(ctx, `SELECT id, rank FROM deliveries`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			var rank int
			if err := rows.Scan(&id, &rank); err != nil {
				return err
			}
			if rank < seen[id] {
				return fmt.Errorf("delivery %s went back from rank %d to %d", id, seen[id], rank)
			}
			seen[id] = rank
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
}
