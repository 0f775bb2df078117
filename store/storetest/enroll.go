package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testEnrollmentEndsOtherEnrollments: verifying a phone cancels every other
// open enrollment of the user, whichever session started it, and the login
// challenges that still go to another phone; the new emergency code waits
// only for the session that verified the phone.
func testEnrollmentEndsOtherEnrollments(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	for _, s := range []string{"a", "b", "c", "d"} {
		addSession(t, db, u.ID, s, false)
	}
	a := challengeTo(t, db, u.ID, "a", phonegate.PurposeEnroll, phoneX, t0)
	b := challengeTo(t, db, u.ID, "b", phonegate.PurposeEnroll, phoneY, t0)
	c := challengeTo(t, db, u.ID, "c", phonegate.PurposeLogin, phoneZ, t0)
	d := challengeTo(t, db, u.ID, "d", phonegate.PurposeLogin, phoneX, t0)
	// b's session still has an emergency code of an earlier enrollment to show.
	if err := db.SetReveal(ctx, []byte("b"), phonegate.RevealEmergency, []byte("stale"), t0); err != nil {
		t.Fatal(err)
	}

	if err := passEnroll(db, a, "H", false, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		c    phonegate.Challenge
		want string
	}{
		{"the enrollment that passed", a, phonegate.ChallengeUsed},
		{"another session's enrollment", b, phonegate.ChallengeCancelled},
		{"a login challenge to another phone", c, phonegate.ChallengeCancelled},
		{"a login challenge to the verified phone", d, phonegate.ChallengePending},
	} {
		got, _ := db.Challenge(ctx, tt.c.ID)
		if got.State != tt.want || (tt.want != phonegate.ChallengePending) != (got.CodeSealed == nil) {
			t.Errorf("%s: state %q, sealed code %q; want %q", tt.name, got.State, got.CodeSealed, tt.want)
		}
	}
	if err := passEnroll(db, b, "H2", true, t0.Add(2*time.Minute)); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("the cancelled enrollment passed: err = %v, want ErrCodeRefused", err)
	}
	if got, _ := db.User(ctx, u.ID); got.Phone != phoneX || got.EmergencyHash != "H" {
		t.Errorf("user phone %s emergency %q, want %s and H", got.Phone, got.EmergencyHash, phoneX)
	}
	if sealed, err := db.TakeReveal(ctx, []byte("a"), phonegate.RevealEmergency); err != nil || string(sealed) != "sealed H" {
		t.Errorf("emergency code for the session that verified: %q, %v", sealed, err)
	}
	if ok, _ := db.HasReveal(ctx, []byte("b"), phonegate.RevealEmergency); ok {
		t.Error("another session still has an emergency code to show that no longer works")
	}
}

// testEnrollmentNeedsNoPhoneOrPassedSession: once the user has a verified
// phone, an enrollment passes only if its session has passed the second
// factor (a phone change from the account page); the phone is checked as
// the challenge is consumed.
func testEnrollmentNeedsNoPhoneOrPassedSession(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	addSession(t, db, u.ID, "first", false)
	addSession(t, db, u.ID, "half", false)
	addSession(t, db, u.ID, "full", true)

	// A session that passed only the password may verify the first phone.
	first := challengeTo(t, db, u.ID, "first", phonegate.PurposeEnroll, phoneX, t0)
	if err := passEnroll(db, first, "H1", false, t0); err != nil {
		t.Fatalf("the first phone, from a session that passed only the password: %v", err)
	}

	half := challengeTo(t, db, u.ID, "half", phonegate.PurposeEnroll, phoneY, t0.Add(time.Minute))
	if _, err := db.TakeCheck(ctx, half.ID, half.SessionHash, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := passEnroll(db, half, "H2", false, t0.Add(time.Minute)); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("a password-only session replaced the verified phone: err = %v, want ErrCodeRefused", err)
	}
	if got, _ := db.User(ctx, u.ID); got.Phone != phoneX || got.EmergencyHash != "H1" {
		t.Errorf("after the refused enrollment: phone %s emergency %q, want %s and H1", got.Phone, got.EmergencyHash, phoneX)
	}
	if ok, _ := db.HasReveal(ctx, []byte("half"), phonegate.RevealEmergency); ok {
		t.Error("the refused enrollment left an emergency code to show")
	}

	full := challengeTo(t, db, u.ID, "full", phonegate.PurposeEnroll, phoneZ, t0.Add(2*time.Minute))
	if err := passEnroll(db, full, "H3", true, t0.Add(2*time.Minute)); err != nil {
		t.Errorf("a phone change from a session that passed the code: %v", err)
	}
	if got, _ := db.User(ctx, u.ID); got.Phone != phoneZ || !got.PhoneVerified || got.EmergencyHash != "H3" {
		t.Errorf("after the phone change: phone %s verified %v emergency %q", got.Phone, got.PhoneVerified, got.EmergencyHash)
	}
}
