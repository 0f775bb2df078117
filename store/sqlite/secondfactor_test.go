package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// rightMAC stands for the MAC of the right code: the store never sees a
// code, only the MAC it keeps and hands back to be compared.
var rightMAC = []byte("mac-of-the-right-code")

// newChallenge stores a pending challenge of user for session, created at at.
func newChallenge(t *testing.T, db *sqlite.DB, userID int64, session string, purpose string, at time.Time) phonegate.Challenge {
	t.Helper()
	c := phonegate.Challenge{
		ID:          fmt.Sprintf("ch-%s-%d", session, at.UnixNano()),
		UserID:      userID,
		SessionHash: []byte(session),
		Purpose:     purpose,
		Label:       "P",
		Phone:       "+15005550006",
		CodeMAC:     rightMAC,
		CodeSealed:  []byte("sealed"),
		CreatedAt:   at,
		ExpiresAt:   at.Add(phonegate.ChallengeLife),
	}
	if err := db.CreateChallenge(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// answer does what a handler does with a typed code: take a check, compare,
// then pass or fail. right says whether the typed code is the right one.
func answer(db *sqlite.DB, c phonegate.Challenge, right bool, now time.Time) error {
	ctx := context.Background()
	mac, err := db.TakeCheck(ctx, c.ID, c.SessionHash, now)
	if err != nil {
		return err
	}
	if !right || !bytes.Equal(mac, rightMAC) {
		if _, err := db.FailSecondFactor(ctx, c.UserID, c.ID, "wrong code", now); err != nil {
			return err
		}
		return phonegate.ErrCodeRefused
	}
	_, err = db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{Detail: "code by SMS"}, now)
	return err
}

func TestChallengeLife(t *testing.T) {
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

func TestChecks(t *testing.T) {
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

func TestChallengeSingleUseAndSession(t *testing.T) {
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

// TestConcurrentCorrectCodes sends 50 right answers at once: exactly one
// passes, and no more than MaxChecks were even compared.
func TestConcurrentCorrectCodes(t *testing.T) {
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

func TestLock(t *testing.T) {
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

func TestLockAudited(t *testing.T) {
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

func TestPassEnrollment(t *testing.T) {
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

// TestEmergencyCodeOnce uses the emergency code 20 times at once: exactly
// one use wins, the phone is unverified and trust is gone.
func TestEmergencyCodeOnce(t *testing.T) {
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

	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			err := db.UseEmergencyCode(ctx, u.ID, "H", []byte("s"), t0)
			if err == nil {
				wins.Add(1)
			} else if !errors.Is(err, phonegate.ErrCodeRefused) {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d of 20 concurrent uses won, want exactly 1", wins.Load())
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

func TestEmergencyCodeLocked(t *testing.T) {
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

func TestReveal(t *testing.T) {
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

func TestExpiredChallengesEnd(t *testing.T) {
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

func TestLastMFA(t *testing.T) {
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
