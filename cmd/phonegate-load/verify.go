package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/phonegate/phonegate"
)

// statusCheck is what the database holds after a status workload, against
// what it must hold.
type statusCheck struct {
	Deliveries int
	Applied    int // callbacks answered with a 2xx
	Ambiguous  int // callbacks without a clear answer (transport error, non-2xx)
	Expected   int // events the 2xx answers alone put in the database
	Stored     int // delivery_events rows of these deliveries
	Duplicates int // a status recorded twice for one delivery
	Mismatched int // deliveries whose events no outcome of the ambiguous callbacks explains
	Unchecked  int // deliveries with too many ambiguous callbacks to enumerate
	Examples   []string
}

// OK reports whether every 2xx is stored exactly once and nothing else is.
func (c statusCheck) OK() bool { return c.Duplicates == 0 && c.Mismatched == 0 && c.Unchecked == 0 }

func (c statusCheck) String() string {
	s := fmt.Sprintf("%d deliveries, %d callbacks answered 2xx, %d ambiguous; %d events expected from the 2xx answers, %d stored; %d duplicated, %d unexplained",
		c.Deliveries, c.Applied, c.Ambiguous, c.Expected, c.Stored, c.Duplicates, c.Mismatched)
	if c.Unchecked > 0 {
		s += fmt.Sprintf(", %d unchecked", c.Unchecked)
	}
	return s
}

// maxAmbiguous bounds the outcomes enumerated for one delivery (2^n).
const maxAmbiguous = 12

// verifyStatuses reads, through the store, the recorded status changes of
// every delivery the workload touched and checks them against its log.
// Since a delivery's callbacks reached the server in order, the rule
// "record a status when it ranks above the current one, once" gives the
// exact set of events each delivery must have. A callback without a clear
// answer may or may not have been stored, so every combination of those is
// tried: the events must match one of them.
func verifyStatuses(ctx context.Context, db string, w *statusWorkload) (statusCheck, error) {
	store, err := openStore(ctx, db)
	if err != nil {
		return statusCheck{}, fmt.Errorf("verify: %w", err)
	}
	defer store.Close()
	var c statusCheck
	for i, d := range w.ds {
		log := w.log[i]
		if len(log) == 0 {
			continue
		}
		c.Deliveries++
		events, err := store.DeliveryEvents(ctx, d.ID)
		if err != nil {
			return c, fmt.Errorf("verify: %w", err)
		}
		c.Stored += len(events)
		got := map[string]bool{}
		for _, e := range events {
			if got[e.Status] {
				c.Duplicates++
			}
			got[e.Status] = true
		}
		var amb []int
		for j, o := range log {
			switch o.how {
			case applied:
				c.Applied++
			case ambiguous:
				c.Ambiguous++
				amb = append(amb, j)
			}
		}
		c.Expected += len(replay(log, amb, 0))
		if len(amb) > maxAmbiguous {
			c.Unchecked++
			continue
		}
		explained := false
		for mask := 0; mask < 1<<len(amb) && !explained; mask++ {
			explained = sameSet(replay(log, amb, mask), got)
		}
		if !explained {
			c.Mismatched++
			if len(c.Examples) < 5 {
				c.Examples = append(c.Examples, fmt.Sprintf("delivery %s: callbacks %s; stored %v",
					d.ID, describe(log), keys(got)))
			}
		}
	}
	return c, nil
}

// replay applies the store's rule to a delivery's callbacks in order. The
// ambiguous callbacks amb[k] count as stored when bit k of mask is set.
func replay(log []outcome, amb []int, mask int) map[string]bool {
	stored := map[string]bool{}
	rank := phonegate.DeliveryRank("queued") // every seeded delivery starts queued, without an event
	k := 0
	for j, o := range log {
		take := o.how == applied
		if k < len(amb) && amb[k] == j {
			take = mask&(1<<k) != 0
			k++
		}
		if r := phonegate.DeliveryRank(o.status); take && r > rank {
			stored[o.status] = true
			rank = r
		}
	}
	return stored
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func describe(log []outcome) string {
	words := [...]string{applied: "2xx", ambiguous: "unclear", skipped: "skipped"}
	var parts []string
	for _, o := range log {
		parts = append(parts, o.status+"="+words[o.how])
	}
	return strings.Join(parts, " ")
}

func keys(m map[string]bool) []string {
	var ks []string
	for _, s := range statusCycle {
		if m[s] {
			ks = append(ks, s)
		}
	}
	for k := range m {
		if k != "queued" && k != "sent" && k != "delivered" {
			ks = append(ks, k)
		}
	}
	return ks
}
