package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// addConfirmedFactor stores an authenticator app for userID, confirmed at
// step counter.
func addConfirmedFactor(t *testing.T, db phonegate.Store, userID, counter int64) phonegate.Factor {
	t.Helper()
	ctx := context.Background()
	f, err := db.AddFactor(ctx, phonegate.Factor{UserID: userID, Kind: phonegate.FactorTOTP, Name: "Authenticator app", Secret: []byte("sealed")}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmFactor(ctx, userID, f.ID, counter, t0); err != nil {
		t.Fatal(err)
	}
	return f
}

// testFactors walks a factor through its life: unconfirmed, replaced by a
// newer secret, confirmed, used once per counter, removed; each step that
// matters is audited, and no user touches another's factor.
func testFactors(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	ada, p1, _ := twoProjects(t, db)
	if _, err := db.SetMFALevel(ctx, p1.ID, ada.ID, "per_computer", t0); err != nil {
		t.Fatal(err)
	}
	bob, _ := db.CreateUser(ctx, "bob@example.com", "h", t0)
	app := phonegate.Factor{UserID: ada.ID, Kind: phonegate.FactorTOTP, Name: "Authenticator app", Secret: []byte("s1")}
	first, err := db.AddFactor(ctx, app, t0)
	if err != nil {
		t.Fatal(err)
	}
	app.Secret = []byte("s2")
	f, err := db.AddFactor(ctx, app, t0)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := db.Factors(ctx, ada.ID)
	if got, want := len(fs), 1; got != want || fs[0].ID != f.ID || string(fs[0].Secret) != "s2" || fs[0].Confirmed() {
		t.Fatalf("after two unconfirmed: got %d factors %+v, want only the newest, unconfirmed", got, fs)
	}
	if _, err := db.TakeFactorCheck(ctx, ada.ID, f.ID, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("check of an unconfirmed factor: got %v, want ErrNotFound", err)
	}
	for _, tt := range []struct {
		name   string
		userID int64
		id     int64
	}{{"the replaced one", ada.ID, first.ID}, {"another user's", bob.ID, f.ID}} {
		if err := db.ConfirmFactor(ctx, tt.userID, tt.id, 1, t0); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("confirm %s: got %v, want ErrNotFound", tt.name, err)
		}
	}
	if err := db.ConfirmFactor(ctx, ada.ID, f.ID, 100, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.ConfirmFactor(ctx, ada.ID, f.ID, 100, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("second confirmation: got %v, want ErrNotFound", err)
	}
	got, err := db.TakeFactorCheck(ctx, ada.ID, f.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Counter != 100 || !got.Confirmed() || !got.Preferred {
		t.Errorf("confirmed factor: got %+v, want counter 100, confirmed, preferred (the newest way in)", got)
	}
	if _, err := db.TakeFactorCheck(ctx, bob.ID, f.ID, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("check of another user's factor: got %v, want ErrNotFound", err)
	}
	used := t0.Add(time.Minute)
	for _, tt := range []struct {
		counter int64
		want    error
	}{{100, phonegate.ErrCodeRefused}, {99, phonegate.ErrCodeRefused}, {101, nil}, {101, phonegate.ErrCodeRefused}} {
		if err := db.UseFactor(ctx, ada.ID, f.ID, tt.counter, "app code accepted", used); !errors.Is(err, tt.want) {
			t.Errorf("use at counter %d: got %v, want %v", tt.counter, err, tt.want)
		}
	}
	fs, _ = db.Factors(ctx, ada.ID)
	if len(fs) != 1 || !fs[0].Preferred || !fs[0].LastUsedAt.Equal(used) || fs[0].Counter != 101 {
		t.Errorf("after a use: got %+v, want preferred, used at %v, counter 101", fs, used)
	}
	if err := db.RemoveFactor(ctx, bob.ID, f.ID, used); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("remove another user's factor: got %v, want ErrNotFound", err)
	}
	if err := db.RemoveFactor(ctx, ada.ID, f.ID, used); err != nil {
		t.Fatal(err)
	}
	if fs, _ := db.Factors(ctx, ada.ID); len(fs) != 0 {
		t.Errorf("after removal: got %d factors, want 0", len(fs))
	}
	kinds := countAuditKinds(t, db, p1.ID)
	for _, k := range []string{"factor.added", "2fa.passed", "factor.removed"} {
		if got, want := kinds[k], 1; got != want {
			t.Errorf("audit %s: got %d, want %d (all: %v)", k, got, want, kinds)
		}
	}
}

// testFactorUseOnce passes one factor with one counter 20 times at once:
// exactly one pass wins.
func testFactorUseOnce(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	f := addConfirmedFactor(t, db, u.ID, 10)
	exactlyOneWins(t, 20, phonegate.ErrCodeRefused, func() error {
		return db.UseFactor(ctx, u.ID, f.ID, 11, "app code accepted", t0)
	})
}

// testFactorChecksLock: a factor's checks take the attempts of the same
// lock as codes; a pass clears the count; a locked user gets no check.
func testFactorChecksLock(t *testing.T, open opener) {
	tests := []struct {
		name       string
		failures   int
		passAfter  int // a pass after this many failures (0: none)
		wantLocked bool
	}{
		{"9 wrong", 9, 0, false},
		{"10 wrong", 10, 0, true},
		{"a pass after 9 resets the count", 18, 9, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
			f := addConfirmedFactor(t, db, u.ID, 10)
			for i := range tt.failures {
				if _, err := db.TakeFactorCheck(ctx, u.ID, f.ID, t0); err != nil {
					t.Fatalf("check %d: %v", i+1, err)
				}
				if _, err := db.FailSecondFactor(ctx, u.ID, "", "wrong app code", t0); err != nil {
					t.Fatal(err)
				}
				if i+1 == tt.passAfter {
					if _, err := db.TakeFactorCheck(ctx, u.ID, f.ID, t0); err != nil {
						t.Fatal(err)
					}
					if err := db.UseFactor(ctx, u.ID, f.ID, 11, "app code accepted", t0); err != nil {
						t.Fatal(err)
					}
				}
			}
			user, _ := db.User(ctx, u.ID)
			if got := user.MFALockedUntil.After(t0); got != tt.wantLocked {
				t.Errorf("locked: got %v, want %v", got, tt.wantLocked)
			}
			_, err := db.TakeFactorCheck(ctx, u.ID, f.ID, t0)
			if got := errors.Is(err, phonegate.ErrCodeRefused); got != tt.wantLocked {
				t.Errorf("check after: got %v, want refused %v", err, tt.wantLocked)
			}
		})
	}
}

// testFactorsPreferenceAndReset: a code passed after the app makes the
// app no longer preferred; a 2FA reset removes every factor.
func testFactorsPreferenceAndReset(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	f := addConfirmedFactor(t, db, u.ID, 10)
	if err := db.UseFactor(ctx, u.ID, f.ID, 11, "app code accepted", t0); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Minute)
	c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, later)
	if err := answer(db, c, true, later); err != nil {
		t.Fatal(err)
	}
	if fs, _ := db.Factors(ctx, u.ID); len(fs) != 1 || fs[0].Preferred {
		t.Errorf("after a code: got %+v, want the app not preferred", fs)
	}
	if err := db.ResetSecondFactor(ctx, u.ID, 0, []byte("mac"), later); err != nil {
		t.Fatal(err)
	}
	if fs, _ := db.Factors(ctx, u.ID); len(fs) != 0 {
		t.Errorf("after a reset: got %d factors, want 0", len(fs))
	}
}
