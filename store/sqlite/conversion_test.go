package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// conversionFixture stores login challenges with one SMS each, some
// passed, some refused by the provider.
type conversionFixture struct {
	*capFixture
	user int64
}

// codes makes n challenges at at, sends each an SMS, passes the first
// passed of them and fails (as refused by the provider) the next refused.
func (f *conversionFixture) codes(at time.Time, n, passed, refused int) {
	f.t.Helper()
	ctx := context.Background()
	for i := range n {
		f.n++
		c := f.challenge(f.user, fmt.Sprintf("conv%d", f.n), phonegate.PurposeLogin, spread(f.n%700), at)
		d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: c.Phone, Now: at, Caps: seedCaps})
		if err != nil {
			f.t.Fatal(err)
		}
		switch {
		case i < passed:
			if _, err := f.db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{Detail: "code by SMS"}, at.Add(time.Minute)); err != nil {
				f.t.Fatal(err)
			}
		case i < passed+refused:
			if err := f.db.FailDelivery(ctx, d.ID, 21211, at); err != nil {
				f.t.Fatal(err)
			}
		}
	}
}

func newConversionFixture(t *testing.T, db *sqlite.DB) *conversionFixture {
	f := &conversionFixture{capFixture: &capFixture{t: t, db: db}}
	f.user = f.capFixture.user()
	return f
}

func TestCheckConversion(t *testing.T) {
	tests := []struct {
		name               string
		n, passed, refused int
		sent, wantPassed   int
		low                bool
	}{
		{"fewer than half passed", 20, 9, 0, 20, 9, true},
		{"half passed", 20, 10, 0, 20, 10, false},
		{"too few sends to tell", 19, 0, 0, 19, 0, false},
		{"sends the provider refused are not sends", 25, 0, 6, 19, 0, false},
		{"none passed", 40, 0, 0, 40, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newConversionFixture(t, open(t))
			f.codes(t0.Add(5*time.Minute), tt.n, tt.passed, tt.refused)
			f.codes(t0.Add(-time.Minute), 30, 0, 0) // before the window
			f.codes(t0.Add(time.Hour), 30, 0, 0)    // after it
			c, raised, err := f.db.CheckConversion(context.Background(), t0.Add(70*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			if c.Sent != tt.sent || c.Passed != tt.wantPassed || !c.From.Equal(t0) || !c.To.Equal(t0.Add(time.Hour)) {
				t.Errorf("got %d of %d passed in [%v, %v), want %d of %d in the hour from %v",
					c.Passed, c.Sent, c.From, c.To, tt.wantPassed, tt.sent, t0)
			}
			if raised != tt.low || c.Low() != tt.low {
				t.Errorf("raised %v, Low %v; want %v", raised, c.Low(), tt.low)
			}
			es, err := f.db.SystemAuditEvents(context.Background(), 10)
			if err != nil {
				t.Fatal(err)
			}
			if tt.low != (len(es) == 1) || tt.low && es[0].Kind != "send.conversion_low" {
				t.Errorf("system audit events = %+v, want one send.conversion_low: %v", es, tt.low)
			}
		})
	}
}

// TestConversionAlarmOncePerHour: two processes on one database check at
// once, many times: the alarm is raised once an hour, not once a check.
func TestConversionAlarmOncePerHour(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conv.db")
	var dbs [2]*sqlite.DB
	for i := range dbs {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	f := newConversionFixture(t, dbs[0])
	// Forty codes over two hours, none passed: every hour's window is low.
	for i := range 40 {
		f.codes(t0.Add(time.Duration(i)*3*time.Minute), 1, 0, 0)
	}
	raisedAt := func(now time.Time) int {
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		n := 0
		for i := range 20 {
			wg.Go(func() {
				<-start
				_, raised, err := dbs[i%2].CheckConversion(context.Background(), now)
				if err != nil {
					t.Error(err)
				}
				if raised {
					mu.Lock()
					n++
					mu.Unlock()
				}
			})
		}
		close(start)
		wg.Wait()
		return n
	}
	for _, tt := range []struct {
		after time.Duration
		want  int
	}{
		{70 * time.Minute, 1},
		{100 * time.Minute, 0}, // within the hour of the first
		{129 * time.Minute, 0},
		{130 * time.Minute, 1}, // an hour later, the next window is low too
	} {
		if got := raisedAt(t0.Add(tt.after)); got != tt.want {
			t.Errorf("at t0+%v: raised %d times, want %d", tt.after, got, tt.want)
		}
	}
	es, _ := dbs[1].SystemAuditEvents(context.Background(), 10)
	if len(es) != 2 {
		t.Errorf("got %d alarm audit events, want 2", len(es))
	}
}
