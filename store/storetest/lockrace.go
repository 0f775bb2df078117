package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/phonegate/phonegate"
)

// lockRace is one user under attack: sessions challenges of MaxChecks
// wrong codes each, all released together by a start barrier, some
// sessions typing emergency codes instead.
type lockRace struct {
	db       phonegate.Store
	user     phonegate.User
	sessions int
	// emergencyEvery makes every n-th session type wrong emergency codes
	// instead of wrong codes (0: none).
	emergencyEvery int
}

// run releases every attempt at once and returns how many comparisons
// the store allowed: the TakeCheck and TakeEmergencyCheck calls that
// returned something to compare with.
func (lr lockRace) run(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	var cs []phonegate.Challenge
	for i := range lr.sessions {
		cs = append(cs, newChallenge(t, lr.db, lr.user.ID, fmt.Sprintf("attacker-%d", i), phonegate.PurposeLogin, t0))
	}
	start := make(chan struct{})
	var compared atomic.Int32
	var wg sync.WaitGroup
	for i, c := range cs {
		emergency := lr.emergencyEvery > 0 && i%lr.emergencyEvery == 0
		for range phonegate.MaxChecks {
			wg.Go(func() {
				<-start
				var err error
				if emergency {
					_, err = lr.db.TakeEmergencyCheck(ctx, lr.user.ID, t0)
				} else {
					// Every code typed is wrong: whatever MAC comes
					// back, the comparison fails.
					_, err = lr.db.TakeCheck(ctx, c.ID, c.SessionHash, t0)
				}
				if errors.Is(err, phonegate.ErrCodeRefused) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				compared.Add(1)
				detail, id := "wrong code", c.ID
				if emergency {
					detail, id = "wrong emergency code", ""
				}
				if _, err := lr.db.FailSecondFactor(ctx, lr.user.ID, id, detail, t0); err != nil {
					t.Error(err)
				}
			})
		}
	}
	close(start)
	wg.Wait()
	return int(compared.Load())
}

// testLockRace: 100 sessions each send MaxChecks wrong codes at once, and
// the same with emergency codes mixed in. However the attempts interleave,
// the store allows at most MaxMFAFailures comparisons in the lock period,
// locks once, and audits one lock.
func testLockRace(t *testing.T, open opener) {
	tests := []struct {
		name           string
		emergencyEvery int
	}{
		{"codes", 0},
		{"codes and emergency codes", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
			p, _ := db.CreateProject(ctx, u.ID, "P", t0)
			db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0) // second-factor events show where the gate asks for them
			if err := db.SetEmergencyHash(ctx, u.ID, "H", t0); err != nil {
				t.Fatal(err)
			}
			compared := lockRace{db: db, user: u, sessions: 100, emergencyEvery: tt.emergencyEvery}.run(t)
			if got, want := compared, phonegate.MaxMFAFailures; got != want {
				t.Errorf("comparisons = %d, want %d", got, want)
			}
			got, _ := db.User(ctx, u.ID)
			if want := t0.Add(phonegate.MFALockDuration); !got.MFALockedUntil.Equal(want) {
				t.Errorf("locked until %v, want %v (one lock, not extended)", got.MFALockedUntil, want)
			}
			kinds := map[string]int{}
			for _, e := range allAudit(t, db, p.ID) {
				kinds[e.Kind]++
			}
			if got, want := kinds["2fa.locked"], 1; got != want {
				t.Errorf("2fa.locked audit rows = %d, want %d", got, want)
			}
			if got, want := kinds["2fa.failed"], compared; got != want {
				t.Errorf("2fa.failed audit rows = %d, want %d (one per comparison)", got, want)
			}
		})
	}
}
