package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testTakeAttempt(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	key := phonegate.AddrLimitKey("login", "192.0.2.1")
	const limit, window = 3, 15 * time.Minute
	var ids []int64
	for i := range limit {
		id, err := db.TakeAttempt(ctx, key, limit, window, now.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
		ids = append(ids, id)
	}
	_, err := db.TakeAttempt(ctx, key, limit, window, now.Add(5*time.Minute))
	var le *phonegate.LimitedError
	if !errors.As(err, &le) || !errors.Is(err, phonegate.ErrLimited) {
		t.Fatalf("attempt past the limit: got %v, want a LimitedError", err)
	}
	if got, want := le.RetryAt, now.Add(window); !got.Equal(want) {
		t.Errorf("RetryAt = %v, want %v (the oldest attempt leaves the window)", got, want)
	}
	// Another address is not limited by this one.
	if _, err := db.TakeAttempt(ctx, phonegate.AddrLimitKey("login", "192.0.2.2"), limit, window, now); err != nil {
		t.Errorf("another address: %v", err)
	}
	// A forgotten attempt (a success) frees its place.
	if err := db.ForgetAttempt(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TakeAttempt(ctx, key, limit, window, now.Add(5*time.Minute)); err != nil {
		t.Errorf("after ForgetAttempt: %v", err)
	}
	// Once the window has passed the oldest, a place opens.
	if _, err := db.TakeAttempt(ctx, key, limit, window, now.Add(window+time.Second)); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

// testTakeAttemptConcurrent: however many attempts race, no more than
// the limit are counted.
func testTakeAttemptConcurrent(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	const limit = 5
	wins := race(t, 40, func(int) (bool, error) {
		_, err := db.TakeAttempt(ctx, "addr:login:192.0.2.9", limit, time.Hour, now)
		if errors.Is(err, phonegate.ErrLimited) {
			return false, nil
		}
		return err == nil, err
	})
	if wins != limit {
		t.Errorf("attempts counted = %d, want %d", wins, limit)
	}
}

func testRecordFailedLogin(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	u, err := db.CreateUser(ctx, "ada@example.com", "x", now)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreateProject(ctx, u.ID, "Engine", now)
	if err != nil {
		t.Fatal(err)
	}
	f := phonegate.FailedLogin{UserID: u.ID, Key: phonegate.FailedLoginKey(u.ID), Limit: 2, Since: now.Add(-time.Hour),
		Addr: "192.0.2.1", At: now}
	for i, want := range []bool{false, false, true} {
		got, err := db.RecordFailedLogin(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("failure %d: throttled = %v, want %v", i+1, got, want)
		}
	}
	if n, _ := db.CountEvents(ctx, f.Key, f.Since); n != 2 {
		t.Errorf("counted failures = %d, want 2 (the throttled one is not counted again)", n)
	}
	es, err := db.AuditEvents(ctx, p.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, e := range es {
		if e.Kind == "login.failed" {
			details = append(details, e.Detail)
		}
	}
	want := []string{"refused (too many failed logins) from 192.0.2.1", "wrong password from 192.0.2.1", "wrong password from 192.0.2.1"}
	if diff := cmp.Diff(want, details); diff != "" {
		t.Errorf("login.failed audit details (-want +got):\n%s", diff)
	}
}
