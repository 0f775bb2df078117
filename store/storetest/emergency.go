package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testPassEnrollment(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err := db.AddTrustedComputer(ctx, phonegate.TrustedComputer{TokenHash: []byte("t"), UserID: u.ID, CreatedAt: t0, LastMFAAt: t0}); err != nil {
		t.Fatal(err)
	}
	c := newChallenge(t, db, u.ID, "s", phonegate.PurposeEnroll, t0)
	if _, err := db.TakeCheck(ctx, c.ID, c.SessionHash, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{EmergencyHash: "$argon2id$e"}, t0); err != nil {
		t.Fatal(err)
	}
	got, _ := db.User(ctx, u.ID)
	if !got.PhoneVerified || got.Phone != c.Phone || got.EmergencyHash != "$argon2id$e" {
		t.Errorf("after enrollment: phone %q verified %v emergency %q", got.Phone, got.PhoneVerified, got.EmergencyHash)
	}
	if tcs, _ := db.TrustedComputers(ctx, u.ID); len(tcs) != 0 {
		t.Errorf("a new phone kept %d trusted computers of the old one", len(tcs))
	}
}

// testEmergencyCodeOnce uses the emergency code 20 times at once: exactly
// one use wins, the phone is unverified and trust is gone.
func testEmergencyCodeOnce(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	c := newChallenge(t, db, u.ID, "s", phonegate.PurposeEnroll, t0)
	db.TakeCheck(ctx, c.ID, c.SessionHash, t0)
	if _, err := db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{EmergencyHash: "H"}, t0); err != nil {
		t.Fatal(err)
	}
	db.AddTrustedComputer(ctx, phonegate.TrustedComputer{TokenHash: []byte("t"), UserID: u.ID, CreatedAt: t0, LastMFAAt: t0})
	pending := newChallenge(t, db, u.ID, "s2", phonegate.PurposeLogin, t0)

	if !exactlyOneWins(t, 20, phonegate.ErrCodeRefused, func() error {
		return db.UseEmergencyCode(ctx, u.ID, "H", []byte("s"), t0)
	}) {
		t.FailNow()
	}
	got, _ := db.User(ctx, u.ID)
	if got.PhoneVerified || got.EmergencyHash != "" {
		t.Errorf("after use: phone verified %v, emergency hash %q", got.PhoneVerified, got.EmergencyHash)
	}
	if tcs, _ := db.TrustedComputers(ctx, u.ID); len(tcs) != 0 {
		t.Errorf("%d trusted computers survive the emergency code", len(tcs))
	}
	if ch, _ := db.Challenge(ctx, pending.ID); ch.State != phonegate.ChallengeCancelled {
		t.Errorf("open challenge after the emergency code: state %q, want cancelled", ch.State)
	}
}

func testEmergencyCodeLocked(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err := db.SetEmergencyHash(ctx, u.ID, "H", t0); err != nil {
		t.Fatal(err)
	}
	for range phonegate.MaxMFAFailures {
		if _, err := db.TakeEmergencyCheck(ctx, u.ID, t0); err != nil {
			t.Fatal(err)
		}
		db.FailSecondFactor(ctx, u.ID, "", "wrong emergency code", t0)
	}
	if _, err := db.TakeEmergencyCheck(ctx, u.ID, t0.Add(time.Minute)); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("emergency code while locked: err = %v, want ErrCodeRefused", err)
	}
	hash, err := db.TakeEmergencyCheck(ctx, u.ID, t0.Add(phonegate.MFALockDuration))
	if err != nil || hash != "H" {
		t.Fatalf("emergency code after the lock: hash %q, err %v", hash, err)
	}
	if err := db.UseEmergencyCode(ctx, u.ID, hash, []byte("s"), t0.Add(phonegate.MFALockDuration)); err != nil {
		t.Errorf("emergency code after the lock: %v", err)
	}
}

// testEmergencyCodeEndsPasswordOnlySessions: using the emergency code ends
// the user's other sessions that passed only the password, so that only
// the session that used it can verify a new phone; sessions that passed a
// second factor and other users' sessions stay.
func testEmergencyCodeEndsPasswordOnlySessions(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	other, _ := db.CreateUser(ctx, "bob@example.com", "h", t0)
	if err := db.SetEmergencyHash(ctx, u.ID, "H", t0); err != nil {
		t.Fatal(err)
	}
	p := addSession(t, db, u.ID, "p", false)
	addSession(t, db, u.ID, "q", false)
	addSession(t, db, u.ID, "r", false)
	addSession(t, db, u.ID, "full", true)
	addSession(t, db, other.ID, "bob", false)

	if err := db.UseEmergencyCode(ctx, u.ID, "H", p, t0); err != nil {
		t.Fatal(err)
	}
	names := func(userID int64) []string {
		ss, err := db.UserSessions(ctx, userID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range ss {
			out = append(out, string(s.TokenHash))
		}
		slices.Sort(out)
		return out
	}
	if diff := cmp.Diff([]string{"full", "p"}, names(u.ID)); diff != "" {
		t.Errorf("the user's sessions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bob"}, names(other.ID)); diff != "" {
		t.Errorf("another user's sessions (-want +got):\n%s", diff)
	}
	// A refused use ends nothing.
	addSession(t, db, u.ID, "s", false)
	if err := db.UseEmergencyCode(ctx, u.ID, "H", p, t0); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Fatalf("a used emergency code: err = %v, want ErrCodeRefused", err)
	}
	if got := names(u.ID); !slices.Contains(got, "s") {
		t.Errorf("a refused emergency code ended sessions: %v", got)
	}
}

func testReveal(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	s := phonegate.Session{TokenHash: []byte("h1"), UserID: u.ID, CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.SetReveal(ctx, []byte("h1"), phonegate.RevealEmergency, []byte("sealed"), t0); err != nil {
		t.Fatal(err)
	}
	// The reveal follows the session through a token renewal.
	if err := db.RenewSession(ctx, []byte("h1"), []byte("h2"), "c2", t0); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.HasReveal(ctx, []byte("h2"), phonegate.RevealEmergency); !ok {
		t.Fatal("the reveal did not follow the renewed session")
	}
	got, err := db.TakeReveal(ctx, []byte("h2"), phonegate.RevealEmergency)
	if err != nil || string(got) != "sealed" {
		t.Fatalf("TakeReveal = %q, %v", got, err)
	}
	if _, err := db.TakeReveal(ctx, []byte("h2"), phonegate.RevealEmergency); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("second TakeReveal: err = %v, want ErrNotFound", err)
	}
	// Ending the session ends what it had to show.
	db.SetReveal(ctx, []byte("h2"), phonegate.RevealInvite, []byte("x"), t0)
	db.DeleteSession(ctx, []byte("h2"))
	if ok, _ := db.HasReveal(ctx, []byte("h2"), phonegate.RevealInvite); ok {
		t.Error("a reveal outlived its session")
	}
}
