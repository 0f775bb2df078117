package sqlite_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// Numbers of the enrollment tests: the phone being enrolled and others.
const (
	phoneX = "+14155550101"
	phoneY = "+14155550102"
	phoneZ = "+14155550103"
)

// addSession stores a session of user whose token hash is name; passed
// says whether it has passed a second factor.
func addSession(t *testing.T, db *sqlite.DB, userID int64, name string, passed bool) []byte {
	t.Helper()
	s := phonegate.Session{TokenHash: []byte(name), UserID: userID, CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0}
	if passed {
		s.MFAAt = t0
	}
	if err := db.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s.TokenHash
}

// challengeTo stores a pending challenge of user for phone from session,
// made at at.
func challengeTo(t *testing.T, db *sqlite.DB, userID int64, session, purpose, phone string, at time.Time) phonegate.Challenge {
	t.Helper()
	c := phonegate.Challenge{
		ID:          "ch-" + session + "-" + phone + "-" + at.Format("150405"),
		UserID:      userID,
		SessionHash: []byte(session),
		Purpose:     purpose,
		Label:       "P",
		Phone:       phone,
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

// passEnroll passes an enrollment as the code page does, with a new
// emergency code whose sealed copy waits for the session's next page;
// passed says whether the session has passed the second factor.
func passEnroll(db *sqlite.DB, c phonegate.Challenge, hash string, passed bool, now time.Time) error {
	_, err := db.PassChallenge(context.Background(), c.ID, c.SessionHash, phonegate.Pass{EmergencyHash: hash,
		EmergencySealed: []byte("sealed " + hash), SessionPassed: passed, Detail: "phone verified"}, now)
	return err
}

// TestEnrollmentEndsOtherEnrollments: verifying a phone cancels every other
// open enrollment of the user, whichever session started it, and the login
// challenges that still go to another phone; the new emergency code waits
// only for the session that verified the phone.
func TestEnrollmentEndsOtherEnrollments(t *testing.T) {
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

// TestEnrollmentNeedsNoPhoneOrPassedSession: once the user has a verified
// phone, an enrollment passes only if its session has passed the second
// factor (a phone change from the account page); the phone is checked as
// the challenge is consumed.
func TestEnrollmentNeedsNoPhoneOrPassedSession(t *testing.T) {
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

// TestEmergencyCodeEndsPasswordOnlySessions: using the emergency code ends
// the user's other sessions that passed only the password, so that only
// the session that used it can verify a new phone; sessions that passed a
// second factor and other users' sessions stay.
func TestEmergencyCodeEndsPasswordOnlySessions(t *testing.T) {
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
