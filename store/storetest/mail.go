package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testClaimMailInQueueOrder: messages due at once are claimed in the order
// they were queued, so that a user reads "a new emergency code" before "the
// emergency code was used" when that is what happened, and a worker that
// sends a claimed batch one by one keeps that order.
func testClaimMailInQueueOrder(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	const n = 20
	var queued []string
	for i := range n {
		kind := fmt.Sprintf("notice-%02d", i)
		if _, err := db.QueueMail(ctx, phonegate.Mail{To: "ada@example.com", Kind: kind, Sealed: []byte("sealed")}, t0); err != nil {
			t.Fatal(err)
		}
		queued = append(queued, kind)
	}
	ms, err := db.ClaimMail(ctx, t0, time.Minute, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != n {
		t.Fatalf("claimed %d messages, want %d", len(ms), n)
	}
	for i, m := range ms {
		if m.Kind != queued[i] || (i > 0 && m.ID <= ms[i-1].ID) {
			var got []string
			for _, m := range ms {
				got = append(got, fmt.Sprintf("%s (#%d)", m.Kind, m.ID))
			}
			t.Fatalf("claimed in the order %v, want the queue's %v", got, queued)
		}
	}
}
