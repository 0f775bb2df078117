package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testPasskeyChallenges: a passkey ceremony's challenge is kept per
// session and kind, a newer one replacing it; it is taken once, not after
// it expired, not by another session, follows a renewed session and goes
// with an ended one.
func testPasskeyChallenges(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	for _, h := range []string{"s1", "s2"} {
		if err := db.CreateSession(ctx, phonegate.Session{TokenHash: []byte(h), UserID: u.ID, CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	keep := func(session, kind, data string, expires time.Time) {
		t.Helper()
		if err := db.KeepPasskeyChallenge(ctx, phonegate.PasskeyChallenge{SessionHash: []byte(session), Kind: kind, Data: []byte(data), ExpiresAt: expires}); err != nil {
			t.Fatal(err)
		}
	}
	take := func(session, kind string, now time.Time) (string, error) {
		c, err := db.TakePasskeyChallenge(ctx, []byte(session), kind, now)
		return string(c.Data), err
	}
	life := t0.Add(5 * time.Minute)
	keep("s1", phonegate.PasskeyLogin, "old", life)
	keep("s1", phonegate.PasskeyLogin, "new", life)
	keep("s1", phonegate.PasskeyRegistration, "reg", life)
	if _, err := take("s2", phonegate.PasskeyLogin, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("another session's challenge: got %v, want ErrNotFound", err)
	}
	got, err := take("s1", phonegate.PasskeyLogin, t0)
	if err != nil || got != "new" {
		t.Fatalf("take: got %q, %v, want the newest", got, err)
	}
	c, _ := db.TakePasskeyChallenge(ctx, []byte("s1"), phonegate.PasskeyRegistration, t0)
	if !c.ExpiresAt.Equal(life) || string(c.Data) != "reg" {
		t.Errorf("registration challenge: got %+v, want its own data, expiring at %v", c, life)
	}
	if _, err := take("s1", phonegate.PasskeyLogin, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("second take: got %v, want ErrNotFound", err)
	}

	keep("s1", phonegate.PasskeyLogin, "late", life)
	if _, err := take("s1", phonegate.PasskeyLogin, life); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("take at its expiry: got %v, want ErrNotFound", err)
	}
	keep("s1", phonegate.PasskeyLogin, "l", life)
	if got, _ := take("s1", phonegate.PasskeyLogin, life.Add(-time.Second)); got != "l" {
		t.Errorf("take a second before its expiry: got %q, want it", got)
	}
	if _, err := take("s1", phonegate.PasskeyLogin, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("take after the expired one: got %v, want ErrNotFound", err)
	}

	keep("s1", phonegate.PasskeyLogin, "renewed", life)
	if err := db.RenewSession(ctx, []byte("s1"), []byte("s3"), "c3", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := take("s3", phonegate.PasskeyLogin, t0); got != "renewed" {
		t.Errorf("after a renewal: got %q, want the challenge to follow the session", got)
	}
	keep("s2", phonegate.PasskeyLogin, "x", life)
	if err := db.DeleteSession(ctx, []byte("s2")); err != nil {
		t.Fatal(err)
	}
	if _, err := take("s2", phonegate.PasskeyLogin, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("after the session ended: got %v, want ErrNotFound", err)
	}
}

// testPasskeyChallengeOnce takes one challenge 20 times at once: exactly
// one take gets it.
func testPasskeyChallengeOnce(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err := db.CreateSession(ctx, phonegate.Session{TokenHash: []byte("s"), UserID: u.ID, CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0}); err != nil {
		t.Fatal(err)
	}
	c := phonegate.PasskeyChallenge{SessionHash: []byte("s"), Kind: phonegate.PasskeyLogin, Data: []byte("d"), ExpiresAt: t0.Add(time.Minute)}
	if err := db.KeepPasskeyChallenge(ctx, c); err != nil {
		t.Fatal(err)
	}
	exactlyOneWins(t, 20, phonegate.ErrNotFound, func() error {
		_, err := db.TakePasskeyChallenge(ctx, []byte("s"), phonegate.PasskeyLogin, t0)
		return err
	})
}

// testPasskeyWithoutCounter: a passkey whose authenticator keeps no sign
// count (zero, and zero again) passes each time; once it counted, zero is
// refused. A 2FA reset removes it.
func testPasskeyWithoutCounter(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	f, err := db.AddFactor(ctx, phonegate.Factor{UserID: u.ID, Kind: phonegate.FactorPasskey, Name: "Laptop", Secret: []byte("sealed")}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmFactor(ctx, u.ID, f.ID, 0, t0); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		counter int64
		want    error
	}{{0, nil}, {0, nil}, {3, nil}, {0, phonegate.ErrCodeRefused}, {3, phonegate.ErrCodeRefused}, {4, nil}} {
		if err := db.UseFactor(ctx, u.ID, f.ID, tt.counter, "passkey accepted", t0); !errors.Is(err, tt.want) {
			t.Errorf("use at counter %d: got %v, want %v", tt.counter, err, tt.want)
		}
	}
	if fs, _ := db.Factors(ctx, u.ID); len(fs) != 1 || fs[0].Counter != 4 || fs[0].Kind != phonegate.FactorPasskey || fs[0].Name != "Laptop" {
		t.Errorf("after the uses: got %+v, want the passkey at counter 4", fs)
	}
	if err := db.ResetSecondFactor(ctx, u.ID, 0, []byte("mac"), t0); err != nil {
		t.Fatal(err)
	}
	if fs, _ := db.Factors(ctx, u.ID); len(fs) != 0 {
		t.Errorf("after a reset: got %d factors, want 0", len(fs))
	}
}
