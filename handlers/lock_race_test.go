package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/phonegate/phonegate"
)

// postRaw sends a form as post does, but returns an error instead of
// failing the test, so that it can run outside the test's goroutine.
func (b *browser) postRaw(path string, form url.Values) (int, error) {
	form.Set("csrf_token", b.csrf)
	req, err := http.NewRequest(http.MethodPost, b.h.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// TestLockRaceThroughThePages: 100 sessions between the password and the
// code send 5 wrong codes each, all released at once; in the second case
// every third session types wrong emergency codes instead. The store
// counts at most MaxMFAFailures comparisons (the checks the challenges
// recorded plus the emergency codes verified), one lock, one lock audited.
func TestLockRaceThroughThePages(t *testing.T) {
	tests := []struct {
		name           string
		emergencyEvery int
	}{
		{"codes", 0},
		{"codes and emergency codes", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, u, _ := emergencySetup(t)
			ctx := context.Background()
			const sessions = 100
			bs := make([]*browser, sessions)
			var challenges []string
			for i := range bs {
				bs[i] = h.pending()
				bs[i].get("/verify")
				id := h.sessionChallenge(bs[i]).ID
				h.markSent(t, id) // a code is checked only once one was sent
				challenges = append(challenges, id)
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, b := range bs {
				emergency := tt.emergencyEvery > 0 && i%tt.emergencyEvery == 0
				for j := range phonegate.MaxChecks {
					wg.Go(func() {
						<-start
						path, form := "/verify", url.Values{"code": {fmt.Sprintf("%06d", 100000+i*10+j)}}
						if emergency {
							path, form = "/verify/emergency", url.Values{"emergency_code": {"AAAA-BBBB-CCCC-DDDD"}}
						}
						status, err := b.postRaw(path, form)
						if err != nil {
							t.Error(err)
						} else if status >= 500 {
							t.Errorf("POST %s: got %d", path, status)
						}
					})
				}
			}
			close(start)
			wg.Wait()

			checks := 0
			for _, id := range challenges {
				c, err := h.db.Challenge(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				checks += c.Checks
			}
			kinds := map[string]int{}
			emergencies := 0
			for _, e := range userAudit(t, h, u.ID) {
				kinds[e.Kind]++
				if e.Kind == "2fa.failed" && e.Detail == "wrong emergency code" {
					emergencies++
				}
			}
			if got, want := checks+emergencies, phonegate.MaxMFAFailures; got != want {
				t.Errorf("comparisons = %d (%d codes, %d emergency codes), want %d", got, checks, emergencies, want)
			}
			if got, want := kinds["2fa.failed"], phonegate.MaxMFAFailures; got != want {
				t.Errorf("2fa.failed audit rows = %d, want %d", got, want)
			}
			if got, want := kinds["2fa.locked"], 1; got != want {
				t.Errorf("2fa.locked audit rows = %d, want %d", got, want)
			}
			got, _ := h.db.User(ctx, u.ID)
			if want := h.clock.Now().Add(phonegate.MFALockDuration); !got.MFALockedUntil.Equal(want) {
				t.Errorf("locked until %v, want %v", got.MFALockedUntil, want)
			}
		})
	}
}

// userAudit returns the audit events about a user in their first project,
// newest first.
func userAudit(t *testing.T, h *twoFactor, userID int64) []phonegate.AuditEvent {
	t.Helper()
	ms, err := h.db.Memberships(context.Background(), userID)
	if err != nil || len(ms) == 0 {
		t.Fatalf("memberships: %v, %v", ms, err)
	}
	es, err := h.db.AuditEvents(context.Background(), ms[0].Project.ID, 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	var out []phonegate.AuditEvent
	for _, e := range es {
		if e.UserID == userID {
			out = append(out, e)
		}
	}
	return out
}
