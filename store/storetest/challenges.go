package storetest

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testChallengeLife(t *testing.T, open opener) {
	tests := []struct {
		name  string
		after time.Duration
		want  error
	}{
		{"at once", 0, nil},
		{"at 9:59", 9*time.Minute + 59*time.Second, nil},
		{"at 10:00", 10 * time.Minute, phonegate.ErrCodeRefused},
		{"at 10:01", 10*time.Minute + time.Second, phonegate.ErrCodeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			u, _ := db.CreateUser(context.Background(), "ada@example.com", "h", t0)
			c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, t0)
			if err := answer(db, c, true, t0.Add(tt.after)); !errors.Is(err, tt.want) {
				t.Errorf("right code %v after the challenge: err = %v, want %v", tt.after, err, tt.want)
			}
		})
	}
}

func testChecks(t *testing.T, open opener) {
	tests := []struct {
		name  string
		wrong int
		want  error
	}{
		{"right at once", 0, nil},
		{"4 wrong then right", 4, nil},
		{"5 wrong then right", 5, phonegate.ErrCodeRefused},
		{"6 wrong then right", 6, phonegate.ErrCodeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
			c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, t0)
			for range tt.wrong {
				if err := answer(db, c, false, t0); !errors.Is(err, phonegate.ErrCodeRefused) {
					t.Fatalf("wrong code: err = %v", err)
				}
			}
			if err := answer(db, c, true, t0); !errors.Is(err, tt.want) {
				t.Errorf("right code after %d wrong: err = %v, want %v", tt.wrong, err, tt.want)
			}
			got, _ := db.Challenge(ctx, c.ID)
			if tt.want != nil && (got.State != phonegate.ChallengeDead || got.CodeSealed != nil) {
				t.Errorf("killed challenge: state %q, sealed code %v; want dead and wiped", got.State, got.CodeSealed)
			}
		})
	}
}

func testChallengeSingleUseAndSession(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, t0)

	other := c
	other.SessionHash = []byte("another session")
	if err := answer(db, other, true, t0); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("another session's answer: err = %v, want ErrCodeRefused", err)
	}
	if err := answer(db, c, true, t0); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if err := answer(db, c, true, t0); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("second use: err = %v, want ErrCodeRefused", err)
	}
	got, _ := db.Challenge(ctx, c.ID)
	if got.State != phonegate.ChallengeUsed || got.CodeSealed != nil {
		t.Errorf("used challenge: state %q, sealed %v; want used and wiped", got.State, got.CodeSealed)
	}
	user, _ := db.User(ctx, u.ID)
	if user.PhoneVerified {
		t.Error("a login challenge verified the phone")
	}
}

// testConcurrentCorrectCodes sends 50 right answers at once: exactly one
// passes, and no more than MaxChecks were even compared.
func testConcurrentCorrectCodes(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, t0)
	var wins, compared atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			mac, err := db.TakeCheck(ctx, c.ID, c.SessionHash, t0)
			if err != nil {
				return
			}
			compared.Add(1)
			if !bytes.Equal(mac, rightMAC) {
				return
			}
			if _, err := db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{}, t0); err == nil {
				wins.Add(1)
			} else if !errors.Is(err, phonegate.ErrCodeRefused) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Errorf("%d of 50 concurrent right answers passed, want exactly 1", wins.Load())
	}
	if n := compared.Load(); n > phonegate.MaxChecks {
		t.Errorf("%d answers were compared, want at most %d", n, phonegate.MaxChecks)
	}
}

func testExpiredChallengesEnd(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	old := newChallenge(t, db, u.ID, "s1", phonegate.PurposeLogin, t0)
	young := newChallenge(t, db, u.ID, "s2", phonegate.PurposeLogin, t0.Add(5*time.Minute))
	// Making a challenge ends those of anyone that expired by then.
	newChallenge(t, db, u.ID, "s3", phonegate.PurposeLogin, t0.Add(phonegate.ChallengeLife))
	for _, tt := range []struct {
		c    phonegate.Challenge
		want string
	}{{old, phonegate.ChallengeDead}, {young, phonegate.ChallengePending}} {
		got, _ := db.Challenge(ctx, tt.c.ID)
		if got.State != tt.want || (tt.want == phonegate.ChallengeDead) != (got.CodeSealed == nil) {
			t.Errorf("challenge made at %v: state %q, sealed code %v; want %q", tt.c.CreatedAt, got.State, got.CodeSealed, tt.want)
		}
	}
}

func testLastMFA(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, u.ID, "P", t0)
	if got, _ := db.LastMFA(ctx, p.ID); len(got) != 0 {
		t.Errorf("before any code: %v", got)
	}
	c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, t0)
	if err := answer(db, c, true, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, _ := db.LastMFA(ctx, p.ID)
	if diff := cmp.Diff(map[int64]time.Time{u.ID: t0.Add(time.Minute)}, got); diff != "" {
		t.Errorf("LastMFA (-want +got):\n%s", diff)
	}
}

// testStartChallenge: a challenge started with its first send replaces
// the session's open challenge only when that send is admitted; refused,
// it leaves no trace and the earlier challenge keeps its code.
func testStartChallenge(t *testing.T, open opener) {
	ctx := context.Background()
	db := open(t)
	u := enrolledUser(t, db)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	first := challengeTo(t, db, u.ID, "s", phonegate.PurposeEnroll, "+14155550100", now)
	caps := phonegate.DailyCaps{SMS: 1}
	if _, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: first.ID, Channel: phonegate.ChannelSMS,
		To: first.Phone, ClientAddr: "203.0.113.7", Now: now, Caps: caps}); err != nil {
		t.Fatal(err)
	}

	next := first
	next.ID, next.Phone, next.CreatedAt = "ch-next", "+14155550200", now.Add(time.Minute)
	_, err := db.StartChallenge(ctx, next, phonegate.SendRequest{Channel: phonegate.ChannelSMS, To: next.Phone,
		ClientAddr: "203.0.113.7", Now: now.Add(time.Minute), Caps: caps})
	if le, ok := errors.AsType[*phonegate.SendLimitError](err); !ok || le.Reason != phonegate.LimitDaily {
		t.Fatalf("StartChallenge past the daily cap: err = %v, want the daily limit", err)
	}
	if _, err := db.Challenge(ctx, next.ID); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the refused challenge is stored: err = %v", err)
	}
	got, err := db.SessionChallenge(ctx, first.SessionHash)
	if err != nil || got.ID != first.ID || got.State != phonegate.ChallengePending || len(got.CodeSealed) == 0 {
		t.Errorf("after the refusal the session's challenge is %+v, %v; want %s pending with its code", got, err, first.ID)
	}

	d, err := db.StartChallenge(ctx, next, phonegate.SendRequest{Channel: phonegate.ChannelCall, To: next.Phone,
		ClientAddr: "203.0.113.7", Now: now.Add(time.Minute), Caps: caps})
	if err != nil || d.ChallengeID != next.ID {
		t.Fatalf("StartChallenge by call: %+v, %v", d, err)
	}
	if got, _ := db.Challenge(ctx, first.ID); got.State != phonegate.ChallengeCancelled || len(got.CodeSealed) != 0 {
		t.Errorf("the earlier challenge after the new one started: state %s, sealed %d bytes; want cancelled and wiped",
			got.State, len(got.CodeSealed))
	}
	if got, _ := db.SessionChallenge(ctx, first.SessionHash); got.ID != next.ID || got.Sends != 1 {
		t.Errorf("the session's challenge is %s with %d sends, want %s with 1", got.ID, got.Sends, next.ID)
	}
}
