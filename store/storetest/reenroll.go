package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// enrolledUser returns a user whose phone phoneX was verified, with the
// emergency code hash "H".
func enrolledUser(t *testing.T, db phonegate.Store) phonegate.User {
	t.Helper()
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	addSession(t, db, u.ID, "first", false)
	if err := passEnroll(db, challengeTo(t, db, u.ID, "first", phonegate.PurposeEnroll, phoneX, t0), "H", false, t0); err != nil {
		t.Fatal(err)
	}
	return u
}

// testEmergencyWindowReplay: the user uses the emergency code in session
// A; session B logs in afterwards with the password alone and tries to
// verify its own phone. The store refuses B's enrollment, even one that
// claims to have passed the second factor; A, its token renewed since,
// still verifies its new phone, and then the binding is gone.
func testEmergencyWindowReplay(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u := enrolledUser(t, db)
	a := addSession(t, db, u.ID, "a", false)
	if err := db.UseEmergencyCode(ctx, u.ID, "H", a, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.RenewSession(ctx, a, []byte("a2"), "c2", t0); err != nil {
		t.Fatal(err)
	}
	addSession(t, db, u.ID, "b", false)
	addSession(t, db, u.ID, "b-full", true)

	for _, tt := range []struct {
		session string
		bound   bool
	}{{"a2", true}, {"b", false}, {"b-full", false}, {"a", false}} {
		re, err := db.Reenrollment(ctx, u.ID, []byte(tt.session), t0)
		if err != nil || re.Reason != phonegate.ReenrollEmergency || re.Bound != tt.bound {
			t.Errorf("Reenrollment seen from %s = %+v, %v; want emergency, bound %v", tt.session, re, err, tt.bound)
		}
	}
	for _, tt := range []struct {
		session string
		passed  bool
	}{{"b", false}, {"b-full", true}} {
		c := challengeTo(t, db, u.ID, tt.session, phonegate.PurposeEnroll, phoneY, t0.Add(time.Minute))
		if err := passEnroll(db, c, "HB", tt.passed, t0.Add(time.Minute)); !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Errorf("session %s verified its own phone after another used the emergency code: err = %v, want ErrCodeRefused", tt.session, err)
		}
	}
	if got, _ := db.User(ctx, u.ID); got.PhoneVerified || got.EmergencyHash != "" {
		t.Fatalf("after the refused enrollments: verified %v, emergency %q", got.PhoneVerified, got.EmergencyHash)
	}

	c := challengeTo(t, db, u.ID, "a2", phonegate.PurposeEnroll, phoneZ, t0.Add(2*time.Minute))
	if err := passEnroll(db, c, "HA", false, t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("the session that used the emergency code: %v", err)
	}
	if got, _ := db.User(ctx, u.ID); got.Phone != phoneZ || !got.PhoneVerified || got.EmergencyHash != "HA" {
		t.Errorf("after the enrollment: phone %s verified %v emergency %q", got.Phone, got.PhoneVerified, got.EmergencyHash)
	}
	if _, err := db.Reenrollment(ctx, u.ID, []byte("a2"), t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the binding outlived the enrollment: err = %v", err)
	}
}

// testEmergencyBindingEndsWithTheSession: when the session that used the
// emergency code ends, no session may verify the new phone.
func testEmergencyBindingEndsWithTheSession(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u := enrolledUser(t, db)
	a := addSession(t, db, u.ID, "a", false)
	if err := db.UseEmergencyCode(ctx, u.ID, "H", a, t0); err != nil {
		t.Fatal(err)
	}
	c := challengeTo(t, db, u.ID, "a", phonegate.PurposeEnroll, phoneY, t0)
	if err := db.DeleteSession(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := passEnroll(db, c, "H2", false, t0); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("an enrollment of an ended session: err = %v, want ErrCodeRefused", err)
	}
	addSession(t, db, u.ID, "a", false) // the same token hash, a new row
	if re, err := db.Reenrollment(ctx, u.ID, a, t0); err != nil || re.Bound || !re.Orphaned {
		t.Errorf("Reenrollment = %+v, %v; want bound to no session", re, err)
	}
}

// testRecoveryCode: after a reset, only a session that typed the recovery
// code may verify a phone; the code works once and for RecoveryLife;
// wrong ones count toward the lock.
func testRecoveryCode(t *testing.T, open opener) {
	mac := []byte("mac of the recovery code")
	tests := []struct {
		name  string
		after time.Duration
		typed []byte
		want  error
	}{
		{"right at once", 0, mac, nil},
		{"right at 23:59", phonegate.RecoveryLife - time.Minute, mac, nil},
		{"right at 24:00", phonegate.RecoveryLife, mac, phonegate.ErrCodeRefused},
		{"wrong", 0, []byte("another mac"), phonegate.ErrCodeRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := open(t)
			ctx := context.Background()
			u := enrolledUser(t, db)
			p, _ := db.CreateProject(ctx, u.ID, "P", t0)
			db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0) // second-factor events show where the gate asks for them
			if err := db.ResetSecondFactor(ctx, u.ID, 0, mac, t0); err != nil {
				t.Fatal(err)
			}
			now := t0.Add(tt.after)
			s := addSession(t, db, u.ID, "s", false)
			if re, err := db.Reenrollment(ctx, u.ID, s, now); err != nil || re.Reason != phonegate.ReenrollReset || re.Bound ||
				re.RecoveryLive != (tt.after < phonegate.RecoveryLife) {
				t.Errorf("Reenrollment before the code = %+v, %v", re, err)
			}
			before := challengeTo(t, db, u.ID, "s", phonegate.PurposeEnroll, phoneY, now)
			if err := passEnroll(db, before, "H2", false, now); !errors.Is(err, phonegate.ErrCodeRefused) {
				t.Errorf("an enrollment before the recovery code: err = %v, want ErrCodeRefused", err)
			}

			_, err := db.UseRecoveryCode(ctx, u.ID, tt.typed, s, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UseRecoveryCode: err = %v, want %v", err, tt.want)
			}
			c := challengeTo(t, db, u.ID, "s", phonegate.PurposeEnroll, phoneZ, now.Add(time.Second))
			err = passEnroll(db, c, "H3", false, now.Add(time.Second))
			if (err == nil) != (tt.want == nil) {
				t.Errorf("the enrollment after the recovery code: err = %v, want refused %v", err, tt.want != nil)
			}
			got, _ := db.User(ctx, u.ID)
			kinds := map[string]int{}
			for _, e := range allAudit(t, db, p.ID) {
				kinds[e.Kind]++
			}
			if tt.want == nil {
				if kinds["recovery.issued"] != 1 || kinds["recovery.used"] != 1 {
					t.Errorf("audit: %v; want one recovery.issued and one recovery.used", kinds)
				}
				return
			}
			if got.MFAFailures != 1 || kinds["2fa.failed"] != 1 || kinds["recovery.used"] != 0 {
				t.Errorf("a refused recovery code: %d failures counted, audit %v; want one failure", got.MFAFailures, kinds)
			}
		})
	}
}

// testRecoveryCodeOnce: the recovery code binds one session; typed again,
// in the same session or another, it is refused and counted.
func testRecoveryCodeOnce(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u := enrolledUser(t, db)
	mac := []byte("mac")
	if err := db.ResetSecondFactor(ctx, u.ID, 0, mac, t0); err != nil {
		t.Fatal(err)
	}
	s, o := addSession(t, db, u.ID, "s", false), addSession(t, db, u.ID, "o", false)
	won := race(t, 10, func(i int) (bool, error) {
		sess := s
		if i%2 == 1 {
			sess = o
		}
		_, err := db.UseRecoveryCode(ctx, u.ID, mac, sess, t0)
		if errors.Is(err, phonegate.ErrCodeRefused) {
			return false, nil
		}
		return err == nil, err
	})
	if won != 1 {
		t.Errorf("%d of 10 concurrent uses of the recovery code won, want 1", won)
	}
	if got, _ := db.User(ctx, u.ID); got.MFAFailures != 9 {
		t.Errorf("failures after 9 refused uses = %d, want 9", got.MFAFailures)
	}
}

// testRecoveryCodeLock: ten wrong recovery codes lock the second factor;
// then even the right one is refused until the lock ends.
func testRecoveryCodeLock(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u := enrolledUser(t, db)
	mac := []byte("mac")
	if err := db.ResetSecondFactor(ctx, u.ID, 0, mac, t0); err != nil {
		t.Fatal(err)
	}
	s := addSession(t, db, u.ID, "s", false)
	var last phonegate.Failure
	for i := range phonegate.MaxMFAFailures {
		f, err := db.UseRecoveryCode(ctx, u.ID, []byte("wrong"), s, t0)
		if !errors.Is(err, phonegate.ErrCodeRefused) {
			t.Fatalf("wrong recovery code %d: err = %v", i+1, err)
		}
		last = f
	}
	if !last.Locked {
		t.Errorf("the tenth wrong recovery code did not lock: %+v", last)
	}
	if _, err := db.UseRecoveryCode(ctx, u.ID, mac, s, t0.Add(time.Minute)); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("the right recovery code while locked: err = %v, want ErrCodeRefused", err)
	}
	if _, err := db.UseRecoveryCode(ctx, u.ID, mac, s, t0.Add(phonegate.MFALockDuration)); err != nil {
		t.Errorf("the right recovery code after the lock: %v", err)
	}
}
