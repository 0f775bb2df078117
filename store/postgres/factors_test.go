package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestFactorStepOnceAcrossInstances: one authenticator app code (one time step) typed many
// times at once, checked by two stores on one database as two instances check it: each check
// takes its attempt before the comparison, and exactly one use of the step passes.
func TestFactorStepOnceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	dbs, _ := openTwo(t)
	now := time.Now()
	u, err := dbs[0].CreateUser(ctx, "ada@example.com", "h", now)
	if err != nil {
		t.Fatal(err)
	}
	f, err := dbs[0].AddFactor(ctx, phonegate.Factor{UserID: u.ID, Kind: phonegate.FactorTOTP, Name: "Authenticator app", Secret: []byte("sealed")}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := dbs[1].ConfirmFactor(ctx, u.ID, f.ID, 100, now); err != nil {
		t.Fatal(err)
	}
	const n = 8 // under MaxMFAFailures: every check gets its comparison
	start := make(chan struct{})
	var wins, refused atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		db := dbs[i%2]
		wg.Go(func() {
			<-start
			got, err := db.TakeFactorCheck(ctx, u.ID, f.ID, now)
			if err != nil {
				t.Errorf("check: %v", err)
				return
			}
			if got.Counter >= 101 {
				refused.Add(1) // the step is seen used already: the domain refuses it
				return
			}
			err = db.UseFactor(ctx, u.ID, f.ID, 101, "authenticator app code accepted", now)
			switch {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, phonegate.ErrCodeRefused):
				refused.Add(1)
			default:
				t.Errorf("use: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 || wins.Load()+refused.Load() != n {
		t.Errorf("%d uses of one step over two instances: %d passed, %d refused; want 1 passed, the rest refused", n, wins.Load(), refused.Load())
	}
}
