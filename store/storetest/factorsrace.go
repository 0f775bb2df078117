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

// testFactorAddRace starts an authenticator app for one user many times at once, as two tabs
// on two instances would: one unconfirmed factor is left, so that only one secret shown can
// ever be confirmed and the user never ends with two apps.
func testFactorAddRace(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			f := phonegate.Factor{UserID: u.ID, Kind: phonegate.FactorTOTP, Name: "Authenticator app", Secret: []byte(fmt.Sprint("s", i))}
			if _, err := db.AddFactor(ctx, f, t0); err != nil {
				t.Errorf("add %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	fs, err := db.Factors(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Confirmed() {
		t.Errorf("after %d adds at once: %d factors %+v, want one unconfirmed", n, len(fs), fs)
	}
}

// testFactorChecksRace checks one app's codes many times at once, every one wrong: the
// attempts are taken before the comparison, so no more than MaxMFAFailures comparisons
// happen, and the lock is audited once.
func testFactorChecksRace(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, p, _ := twoProjects(t, db)
	if _, err := db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0); err != nil {
		t.Fatal(err)
	}
	f := addConfirmedFactor(t, db, u.ID, 10)
	const n = 40
	start := make(chan struct{})
	var compared atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			<-start
			_, err := db.TakeFactorCheck(ctx, u.ID, f.ID, t0)
			if errors.Is(err, phonegate.ErrCodeRefused) {
				return
			}
			if err != nil {
				t.Error(err)
				return
			}
			compared.Add(1)
			if _, err := db.FailSecondFactor(ctx, u.ID, "", "wrong authenticator app code", t0); err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	if got := compared.Load(); got != phonegate.MaxMFAFailures {
		t.Errorf("%d wrong app codes at once: %d compared, want %d", n, got, phonegate.MaxMFAFailures)
	}
	if got := countAuditKinds(t, db, p.ID)["2fa.locked"]; got != 1 {
		t.Errorf("locks audited: %d, want 1", got)
	}
}
