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

// lowCodes stores n login challenges of user, made every apart from t0,
// and sends each an SMS; none is passed.
func lowCodes(t *testing.T, db *sqlite.DB, user int64, n int, every time.Duration) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		at := t0.Add(time.Duration(i) * every)
		id := fmt.Sprintf("conv%d", i)
		c := phonegate.Challenge{ID: id, UserID: user, SessionHash: []byte(id), Purpose: phonegate.PurposeLogin,
			Label: "Apollo", Phone: fmt.Sprintf("+1415%03d2671", 200+i), CodeMAC: []byte("mac"), CodeSealed: []byte("sealed"),
			CreatedAt: at, ExpiresAt: at.Add(phonegate.ChallengeLife)}
		if err := db.CreateChallenge(ctx, c); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: c.Phone, Now: at, Caps: seedCaps}); err != nil {
			t.Fatal(err)
		}
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
	u, err := dbs[0].CreateUser(context.Background(), "u1@example.com", "h", t0)
	if err != nil {
		t.Fatal(err)
	}
	// Forty codes over two hours, none passed: every hour's window is low.
	lowCodes(t, dbs[0], u.ID, 40, 3*time.Minute)
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
