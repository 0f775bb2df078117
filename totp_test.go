package phonegate_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/url"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/phonegate/phonegate"
)

// appOpts are the authenticator app's settings, as an app uses them.
var appOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// appCode is the code the app shows at t.
func appCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, appOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withApp is people whose ada has a session and, unless unconfirmed, a
// confirmed authenticator app whose secret is secret.
type withApp struct {
	*people
	sess   phonegate.Session
	secret string
	shown  phonegate.TOTPShown
}

// newWithApp adds ada's app ten minutes before the clock, so that its
// confirming code is out of every window the tests use.
func newWithApp(t *testing.T, confirm bool) *withApp {
	t.Helper()
	ctx := context.Background()
	w := &withApp{people: newPeople(t)}
	w.now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	w.sess = phonegate.Session{TokenHash: []byte("session"), UserID: w.ada.ID, CSRFToken: "c", CreatedAt: w.now, LastSeenAt: w.now}
	if err := w.db.CreateSession(ctx, w.sess); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.StartTOTP(ctx, w.ada, w.sess); err != nil {
		t.Fatal(err)
	}
	shown, ok, err := w.svc.TOTPEnrollment(ctx, w.ada, w.sess)
	if err != nil || !ok {
		t.Fatalf("enrollment shown: %v, %v", ok, err)
	}
	w.shown, w.secret = shown, shown.Secret
	if confirm {
		at := w.now
		w.now = at.Add(-10 * time.Minute)
		if err := w.svc.ConfirmTOTP(ctx, w.ada, appCode(t, w.secret, w.now)); err != nil {
			t.Fatal(err)
		}
		w.now = at
	}
	return w
}

// use types code at the clock's time.
func (w *withApp) use(code string) error {
	u, err := w.db.User(context.Background(), w.ada.ID)
	if err != nil {
		return err
	}
	_, err = w.svc.UseTOTP(context.Background(), u, w.sess, "", code)
	return err
}

// TestTOTPWindow: a code passes within one 30-second step either side of
// the server's clock, and not beyond. The window covers whole steps, so
// its edges are seen from a clock at a step's start (the phone 30 s
// behind is one step back, 31 s two) and at its end (30 s ahead is one
// step on, 31 s two).
func TestTOTPWindow(t *testing.T) {
	start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a step's first second
	end := start.Add(29 * time.Second)                    // its last
	tests := []struct {
		name   string
		server time.Time
		phone  time.Duration // the app's clock, from the server's
		pass   bool
	}{
		{"same time", start, 0, true},
		{"-30 s from a step's start", start, -30 * time.Second, true},
		{"-31 s from a step's start", start, -31 * time.Second, false},
		{"+30 s from a step's end", end, 30 * time.Second, true},
		{"+31 s from a step's end", end, 31 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWithApp(t, true)
			w.now = tt.server
			err := w.use(appCode(t, w.secret, tt.server.Add(tt.phone)))
			if got := err == nil; got != tt.pass {
				t.Errorf("passed: got %v (%v), want %v", got, err, tt.pass)
			}
			if !tt.pass && !errors.Is(err, phonegate.ErrCodeRefused) {
				t.Errorf("refusal: got %v, want ErrCodeRefused", err)
			}
		})
	}
}

// TestTOTPReplay: a code works once, and so does every code of an
// earlier step still in the window once a later one passed.
func TestTOTPReplay(t *testing.T) {
	w := newWithApp(t, true)
	now := w.now
	steps := []struct {
		name string
		at   time.Duration // the clock, from now
		code time.Duration // the code's time, from now
		pass bool
	}{
		{"a code", 0, 0, true},
		{"the same code again", 10 * time.Second, 0, false},
		{"the step before, still in the window", 10 * time.Second, -30 * time.Second, false},
		{"the next step's code", 30 * time.Second, 30 * time.Second, true},
		{"it again, a step later", 60 * time.Second, 30 * time.Second, false},
	}
	for _, st := range steps {
		w.now = now.Add(st.at)
		err := w.use(appCode(t, w.secret, now.Add(st.code)))
		if got := err == nil; got != st.pass {
			t.Errorf("%s: passed %v (%v), want %v", st.name, got, err, st.pass)
		}
	}
	// A replay counts as a wrong code: the one after the last pass.
	u, _ := w.db.User(context.Background(), w.ada.ID)
	if got, want := u.MFAFailures, 1; got != want {
		t.Errorf("failures: got %d, want %d", got, want)
	}
}

// TestTOTPLock: wrong app codes count toward the lock codes share; once it
// holds, the right code is refused too.
func TestTOTPLock(t *testing.T) {
	w := newWithApp(t, true)
	for i := range phonegate.MaxMFAFailures {
		if err := w.use("000000"); !errors.Is(err, phonegate.ErrCodeRefused) {
			// 000000 is, once in a million, the right code; then the test is wrong.
			t.Fatalf("wrong code %d: got %v, want ErrCodeRefused", i+1, err)
		}
	}
	u, _ := w.db.User(context.Background(), w.ada.ID)
	if !u.MFALockedUntil.After(w.now) {
		t.Fatalf("after %d wrong codes: locked until %v, want a lock", phonegate.MaxMFAFailures, u.MFALockedUntil)
	}
	if err := w.use(appCode(t, w.secret, w.now)); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("right code while locked: got %v, want ErrCodeRefused", err)
	}
	w.now = w.now.Add(phonegate.MFALockDuration)
	if err := w.use(appCode(t, w.secret, w.now)); err != nil {
		t.Errorf("right code after the lock: got %v, want a pass", err)
	}
}

// TestTOTPEnrollment: the secret is shown once, as otpauth:// for
// phonegate and the account's email and as a QR code; a code before
// confirmation does not log in and is not counted; a wrong first code
// confirms nothing; the user is told when the app is added and removed.
func TestTOTPEnrollment(t *testing.T) {
	ctx := context.Background()
	w := newWithApp(t, false)
	u, err := url.Parse(w.shown.URL)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("issuer") != "phonegate" ||
		u.Path != "/phonegate:ada@example.com" || u.Query().Get("secret") != w.secret {
		t.Errorf("URL: got %q (%v), want otpauth://totp/phonegate:ada@example.com?secret=...&issuer=phonegate", w.shown.URL, err)
	}
	if img, err := png.Decode(bytes.NewReader(w.shown.PNG)); err != nil || img.Bounds().Dx() < 200 {
		t.Errorf("QR code: got %v, want a PNG", err)
	}
	if _, ok, _ := w.svc.TOTPEnrollment(ctx, w.ada, w.sess); ok {
		t.Error("the secret was shown twice")
	}
	right := appCode(t, w.secret, w.now)
	if err := w.use(right); phonegate.ErrorCode(err) != phonegate.EInvalid {
		t.Errorf("code before confirmation: got %v, want EInvalid", err)
	}
	if got, _ := w.db.User(ctx, w.ada.ID); got.MFAFailures != 0 {
		t.Errorf("code before confirmation counted: %d failures", got.MFAFailures)
	}
	if err := w.svc.ConfirmTOTP(ctx, w.ada, "000000"); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("wrong first code: got %v, want ErrCodeRefused", err)
	}
	if err := w.svc.ConfirmTOTP(ctx, w.ada, right); err != nil {
		t.Fatal(err)
	}
	if err := w.use(right); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("the confirming code at login: got %v, want refused (used)", err)
	}
	if err := w.svc.StartTOTP(ctx, w.ada, w.sess); phonegate.ErrorCode(err) != phonegate.EConflict {
		t.Errorf("a second app: got %v, want EConflict", err)
	}
	fs, _ := w.svc.Factors(ctx, w.ada)
	if len(fs) != 1 || !fs[0].Confirmed() {
		t.Fatalf("factors: got %+v, want one confirmed app", fs)
	}
	if _, err := w.svc.RemoveFactor(ctx, w.ada, fs[0].ID+1); phonegate.ErrorCode(err) != phonegate.ENotFound {
		t.Errorf("remove an unknown factor: got %v, want ENotFound", err)
	}
	if _, err := w.svc.RemoveFactor(ctx, w.ada, fs[0].ID); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{phonegate.NoticeFactorAdded, phonegate.NoticeFactorRemoved} {
		if got := w.mail.sent(kind); len(got) != 1 || got[0].Factor != "authenticator app" {
			t.Errorf("notice %s: got %+v, want one naming the authenticator app", kind, got)
		}
	}
}

// TestTOTPCodeRFC6238: the codes are those of RFC 6238's SHA-1 test
// vectors, cut to 6 digits as the apps show them.
func TestTOTPCodeRFC6238(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // "12345678901234567890"
	for _, tt := range []struct {
		unix int64
		want string
	}{{59, "287082"}, {1111111109, "081804"}, {1234567890, "005924"}, {2000000000, "279037"}} {
		if got := phonegate.TOTPCode(secret, time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("at %d: got %q, want %q", tt.unix, got, tt.want)
		}
		if got := appCode(t, secret, time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("the app at %d: got %q, want %q", tt.unix, got, tt.want)
		}
	}
	if got := phonegate.TOTPCode("not base32!", time.Unix(59, 0)); got != "" {
		t.Errorf("a secret that is not base32: got %q, want \"\"", got)
	}
}
