package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testUsers(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "Ada@Example.com", "hash", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateUser(ctx, "ada@example.COM", "hash", t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("duplicate email (other case): err = %v, want ErrConflict", err)
	}
	got, err := db.UserByEmail(ctx, "ADA@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("UserByEmail (-want +got):\n%s", diff)
	}
	if _, err := db.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown email: err = %v, want ErrNotFound", err)
	}
	if err := db.SetPasswordHash(ctx, 999, "x"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("SetPasswordHash of a missing user: err = %v, want ErrNotFound", err)
	}
}

func testFirstOwnerOnce(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	if err := db.SetSetting(ctx, phonegate.SettingSetupToken, "abc"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateFirstOwner(ctx, "ada@example.com", "h", "P", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Setting(ctx, phonegate.SettingSetupToken); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("setup token survives setup: %v", err)
	}
	if _, _, err := db.CreateFirstOwner(ctx, "eve@example.com", "h", "Q", t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("second setup: err = %v, want ErrConflict", err)
	}
}

func testSessions(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	s := phonegate.Session{TokenHash: []byte("hash-1"), UserID: u.ID, CSRFToken: "c1", CreatedAt: t0, LastSeenAt: t0}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	idle, abs := 30*time.Minute, 12*time.Hour
	get := func(now time.Time) error {
		_, err := db.Session(ctx, []byte("hash-1"), now, now.Add(-idle), now.Add(-abs))
		return err
	}
	if err := get(t0.Add(29 * time.Minute)); err != nil {
		t.Fatalf("29 minutes: %v", err)
	}
	if err := get(t0.Add(58 * time.Minute)); err != nil {
		t.Fatalf("29 minutes after the last request: %v", err)
	}
	if err := db.RenewSession(ctx, []byte("hash-1"), []byte("hash-2"), "c2", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := get(t0.Add(time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("old hash after renewal: err = %v, want ErrNotFound", err)
	}
	got, err := db.Session(ctx, []byte("hash-2"), t0.Add(time.Hour), t0, t0.Add(-abs))
	if err != nil || got.CSRFToken != "c2" || !got.MFAAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("renewed session = %+v, %v", got, err)
	}
	if _, err := db.EndOtherSessions(ctx, u.ID, nil, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ss, _ := db.UserSessions(ctx, u.ID); len(ss) != 0 {
		t.Errorf("sessions after EndOtherSessions = %d", len(ss))
	}
}

func testPingWrites(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	if err := db.Ping(ctx, t0); err != nil {
		t.Fatal(err)
	}
	if v, err := db.Setting(ctx, "health_checked_at"); err != nil || v == "" {
		t.Errorf("health check left no trace: %q, %v", v, err)
	}
}
