package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// The phones of the takeover tests: X is the attacker's, Y the new phone
// of the user who used the emergency code.
const (
	phoneX = testPhone2
	phoneY = "+14155552672"
)

// codeTo returns the code of the last text message to phone, or "" when
// none went there.
func (f *recordingSender) codeTo(phone string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.sms) - 1; i >= 0; i-- {
		if f.sms[i].To == phone {
			if m := smsCodeRE.FindStringSubmatch(f.sms[i].Body); m != nil {
				return m[1]
			}
		}
	}
	return ""
}

// sentTo counts the text messages that went to phone.
func (f *recordingSender) sentTo(phone string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, m := range f.sms {
		if m.To == phone {
			n++
		}
	}
	return n
}

// emergencySetup returns a harness whose user ada verified testPhone on a
// project asking for a code at every login, and her emergency code.
func emergencySetup(t *testing.T) (*twoFactor, phonegate.User, string) {
	t.Helper()
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	emergency := h.enroll(h.as("ada@example.com"), testPhone)
	return h, u, emergency
}

// useEmergency types the emergency code in a session between the password
// and the code.
func (h *twoFactor) useEmergency(b *browser, code string) {
	h.t.Helper()
	b.get("/verify")
	res, body := b.post("/verify/emergency", url.Values{"emergency_code": {code}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/phone") {
		h.t.Fatalf("emergency code: got %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
}

// startEnroll asks for a code to phone on the phone page and returns the
// answer.
func startEnroll(b *browser, phone string) *http.Response {
	b.get("/phone")
	res, _ := b.post("/phone", url.Values{"country": {"US"}, "phone": {phone}, "channel": {"sms"}})
	return res
}

// checkPhone fails unless the user's verified phone is want and code is
// their working emergency code.
func (h *twoFactor) checkPhone(userID int64, want, code string) {
	h.t.Helper()
	u, err := h.db.User(context.Background(), userID)
	if err != nil {
		h.t.Fatal(err)
	}
	if u.Phone != want || !u.PhoneVerified {
		h.t.Errorf("phone %s verified %v, want %s verified", u.Phone, u.PhoneVerified, want)
	}
	if ok, _, err := phonegate.NewHasher(testArgon2).Verify(context.Background(), code, u.EmergencyHash); err != nil || !ok {
		h.t.Errorf("the emergency code shown with the phone does not work (%v)", err)
	}
}

// checkOut fails if the browser reaches a project page.
func checkOut(t *testing.T, name string, b *browser) {
	t.Helper()
	if res, _ := b.get("/"); res.StatusCode == http.StatusOK {
		t.Errorf("%s reached the projects without a second factor", name)
	}
}

// TestEnrollTakeoverAfterEmergencyCode: p, q and r passed only the
// password. p uses the emergency code; q tries to verify a phone of its
// own while p verifies a new one. q must not replace p's phone, p's new
// emergency code must keep working, and q and r must not get in.
func TestEnrollTakeoverAfterEmergencyCode(t *testing.T) {
	h, u, emergency := emergencySetup(t)
	p, q, r := h.pending(), h.pending(), h.pending()
	h.useEmergency(p, emergency)

	startEnroll(q, phoneX)
	fresh := h.enroll(p, phoneY)
	if code := h.sender.codeTo(phoneX); code != "" {
		q.get("/verify")
		q.post("/verify", url.Values{"code": {code}})
	}

	h.checkPhone(u.ID, phoneY, fresh)
	checkOut(t, "q", q)
	checkOut(t, "r", r)
	if res, _ := p.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("p, which verified the new phone, got %d", res.StatusCode)
	}
}

// TestEmergencyCodeEndsOtherPendingSessions: the moment the emergency code
// is used, the user's other sessions that passed only the password end;
// a session that passed the code stays (and must verify a phone too).
func TestEmergencyCodeEndsOtherPendingSessions(t *testing.T) {
	h, _, emergency := emergencySetup(t)
	full := h.as("ada@example.com")
	if res := h.passCode(full); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code: got %d", res.StatusCode)
	}
	p, q, r := h.pending(), h.pending(), h.pending()
	h.useEmergency(p, emergency)

	for _, tt := range []struct {
		name string
		b    *browser
		want string
	}{
		{"the session that used the code", p, "/phone"},
		{"another password-only session", q, "/login"},
		{"a third password-only session", r, "/login"},
		{"a session that passed the code", full, "/phone"},
	} {
		res, _ := tt.b.get("/verify")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, tt.want) {
			t.Errorf("%s: GET /verify got %d to %q, want %s", tt.name, res.StatusCode, loc, tt.want)
		}
	}
}

// TestEmergencyWindowReplay: after the emergency code is used in session
// p, a session n that logs in afterwards with the password alone may not
// verify a phone of its own: the phone page says in words where the phone
// can be verified, no code goes to n's number, and p still verifies its
// new phone.
func TestEmergencyWindowReplay(t *testing.T) {
	h, u, emergency := emergencySetup(t)
	p := h.pending()
	h.useEmergency(p, emergency)
	n := h.pending()

	res, body := n.get("/phone")
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "from the browser that used the emergency code") ||
		strings.Contains(body, `name="phone"`) {
		t.Errorf("GET /phone from a new session: got %d, want 403 with the words and no phone form\n%s", res.StatusCode, body)
	}
	res, body = n.submit("/phone", url.Values{"country": {"US"}, "phone": {phoneX}, "channel": {"sms"}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "from the browser that used the emergency code") {
		t.Errorf("POST /phone from a new session: the page after it got %d, want 403 with the words\n%s", res.StatusCode, body)
	}
	if got := h.sender.sentTo(phoneX); got != 0 {
		t.Errorf("%d codes went to the new session's phone, want none", got)
	}
	fresh := h.enroll(p, phoneY)
	h.checkPhone(u.ID, phoneY, fresh)
	checkOut(t, "the other session", n)
}

// TestEnrollmentNotRenewedOnceVerified: an enrollment that expired is not
// renewed once the user has a verified phone; asking for a code again
// sends the login code to the verified phone instead.
func TestEnrollmentNotRenewedOnceVerified(t *testing.T) {
	h, u, emergency := emergencySetup(t)
	p := h.pending()
	h.useEmergency(p, emergency)
	n := h.pending()
	startEnroll(n, phoneX)
	h.clock.Add(phonegate.ChallengeLife + time.Minute)
	fresh := h.enroll(p, phoneY)

	before := h.sender.sentTo(phoneX)
	n.get("/verify")
	n.post("/verify/send", url.Values{"channel": {"sms"}})
	if got := h.sender.sentTo(phoneX); got != before {
		t.Errorf("%d more codes went to the expired enrollment's phone", got-before)
	}
	if ch := h.sessionChallenge(n); ch.Purpose != phonegate.PurposeLogin || ch.Phone != phoneY {
		t.Errorf("the session's challenge is %s to %s, want login to %s", ch.Purpose, ch.Phone, phoneY)
	}
	if code := h.sender.codeTo(phoneX); code != "" {
		n.get("/verify")
		n.post("/verify", url.Values{"code": {code}})
	}
	h.checkPhone(u.ID, phoneY, fresh)
	checkOut(t, "the other session", n)
}
