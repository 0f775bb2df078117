package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testLock(t *testing.T, open opener) {
	tests := []struct {
		name       string
		failures   int
		resetAfter int // a success after this many failures (0: none)
		wait       time.Duration
		wantLocked bool
	}{
		{"9 failures", 9, 0, 0, false},
		{"10 failures", 10, 0, 0, true},
		{"10 failures, 14 minutes later", 10, 0, 14 * time.Minute, true},
		{"10 failures, 15 minutes later", 10, 0, 15 * time.Minute, false},
		{"a success after 9 resets the count", 18, 9, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
			now := t0
			// The failures span several challenges and sessions (re-logins).
			var c phonegate.Challenge
			for i := range tt.failures {
				if i%phonegate.MaxChecks == 0 {
					now = now.Add(time.Second)
					c = newChallenge(t, db, u.ID, fmt.Sprintf("login-%d", i), phonegate.PurposeLogin, now)
				}
				if err := answer(db, c, false, now); !errors.Is(err, phonegate.ErrCodeRefused) {
					t.Fatalf("failure %d: err = %v", i+1, err)
				}
				if tt.resetAfter != 0 && i+1 == tt.resetAfter {
					ok := newChallenge(t, db, u.ID, "good", phonegate.PurposeLogin, now.Add(time.Millisecond))
					if err := answer(db, ok, true, now); err != nil {
						t.Fatalf("success: %v", err)
					}
				}
			}
			now = now.Add(tt.wait)
			user, _ := db.User(ctx, u.ID)
			if got := user.MFALockedUntil.After(now); got != tt.wantLocked {
				t.Errorf("locked = %v (until %v, now %v), want %v", got, user.MFALockedUntil, now, tt.wantLocked)
			}
			fresh := newChallenge(t, db, u.ID, "last", phonegate.PurposeLogin, now.Add(time.Millisecond))
			err := answer(db, fresh, true, now)
			if gotRefused := errors.Is(err, phonegate.ErrCodeRefused); gotRefused != tt.wantLocked {
				t.Errorf("right code on a fresh challenge: err = %v, want refused = %v", err, tt.wantLocked)
			}
		})
	}
}

func testLockAudited(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, u.ID, "P", t0)
	db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0) // a project whose gate asks for the code
	var last phonegate.Failure
	for i := range phonegate.MaxMFAFailures {
		at := t0.Add(time.Duration(i) * time.Second)
		if _, err := db.TakeEmergencyCheck(ctx, u.ID, at); err != nil {
			t.Fatal(err)
		}
		f, err := db.FailSecondFactor(ctx, u.ID, "", "wrong emergency code", at)
		if err != nil {
			t.Fatal(err)
		}
		last = f
	}
	if !last.Locked || !last.LockedUntil.Equal(t0.Add(9*time.Second+phonegate.MFALockDuration)) {
		t.Errorf("tenth failure = %+v, want locked for 15 minutes", last)
	}
	es, _ := db.AuditEvents(ctx, p.ID, 0, 2)
	var kinds []string
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]string{"2fa.locked", "2fa.failed"}, kinds); diff != "" {
		t.Errorf("newest audit kinds (-want +got):\n%s", diff)
	}
}

// testLockInFlightFailures: failures whose comparisons were allowed before
// the lock, recorded after it, neither lock again nor extend the lock.
func testLockInFlightFailures(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, u.ID, "P", t0)
	db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0) // second-factor events show where the gate asks for them
	var cs []phonegate.Challenge
	for i := range 2 {
		cs = append(cs, newChallenge(t, db, u.ID, fmt.Sprintf("s%d", i), phonegate.PurposeLogin, t0))
	}
	// Ten comparisons are taken at once; none is recorded yet.
	for i := range phonegate.MaxMFAFailures {
		if _, err := db.TakeCheck(ctx, cs[i%2].ID, cs[i%2].SessionHash, t0); err != nil {
			t.Fatalf("check %d: %v", i+1, err)
		}
	}
	if _, err := db.TakeCheck(ctx, cs[0].ID, cs[0].SessionHash, t0); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("an eleventh comparison: err = %v, want ErrCodeRefused", err)
	}
	// They fail one by one, later: only the first locks.
	var locks int
	for i := range phonegate.MaxMFAFailures {
		f, err := db.FailSecondFactor(ctx, u.ID, cs[i%2].ID, "wrong code", t0.Add(time.Duration(i+1)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if f.Locked {
			locks++
			if want := t0.Add(phonegate.MFALockDuration); !f.LockedUntil.Equal(want) {
				t.Errorf("lock until %v, want %v", f.LockedUntil, want)
			}
		}
	}
	if locks != 1 {
		t.Errorf("%d failures reported a lock, want 1", locks)
	}
	got, _ := db.User(ctx, u.ID)
	if want := t0.Add(phonegate.MFALockDuration); !got.MFALockedUntil.Equal(want) {
		t.Errorf("locked until %v, want %v", got.MFALockedUntil, want)
	}
	n := 0
	for _, e := range allAudit(t, db, p.ID) {
		if e.Kind == "2fa.locked" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("2fa.locked audit rows = %d, want 1", n)
	}
}

// testLockRightTenth: after nine wrong codes, a right tenth one passes and
// resets the count: the user is not locked and has ten more attempts.
func testLockRightTenth(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, u.ID, "P", t0)
	db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0) // second-factor events show where the gate asks for them
	now := t0
	for i := range phonegate.MaxMFAFailures - 1 {
		if i%phonegate.MaxChecks == 0 {
			now = now.Add(time.Second)
		}
		c := newChallenge(t, db, u.ID, fmt.Sprintf("s%d", i), phonegate.PurposeLogin, now)
		if err := answer(db, c, false, now); !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Fatalf("wrong code %d: %v", i+1, err)
		}
	}
	right := newChallenge(t, db, u.ID, "right", phonegate.PurposeLogin, now)
	if err := answer(db, right, true, now); err != nil {
		t.Fatalf("a right tenth code: %v", err)
	}
	got, _ := db.User(ctx, u.ID)
	if !got.MFALockedUntil.IsZero() || got.MFAFailures != 0 {
		t.Errorf("after a right tenth code: locked until %v, failures %d; want no lock and no failures", got.MFALockedUntil, got.MFAFailures)
	}
	for _, e := range allAudit(t, db, p.ID) {
		if e.Kind == "2fa.locked" {
			t.Error("a right tenth code was audited as a lock")
		}
	}
}
