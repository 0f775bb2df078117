package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
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

func newConversionFixture(t *testing.T, db phonegate.Store) *conversionFixture {
	f := &conversionFixture{capFixture: &capFixture{t: t, db: db}}
	f.user = f.capFixture.user()
	return f
}

func testCheckConversion(t *testing.T, open opener) {
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
