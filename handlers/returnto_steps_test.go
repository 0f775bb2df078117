package handlers_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// returnQuery is the query that carries appURL from step to step.
var returnQuery = "?next=" + url.QueryEscape(appURL)

// protectedApp makes a harness whose user ada owns Apollo, which protects
// app.example.com and asks for a code at every login.
func protectedApp(t *testing.T) (*twoFactor, phonegate.User) {
	t.Helper()
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Apollo")
	h.protectID(p.ID, u.ID, appHost)
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	return h, u
}

// carries fails unless the page at path (a GET of b) holds a form field
// that carries appURL on.
func carries(t *testing.T, b *browser, path string) string {
	t.Helper()
	res, body := b.get(path)
	if want := `name="next" value="` + html.EscapeString(appURL) + `"`; !strings.Contains(body, want) {
		t.Fatalf("GET %s: got %d, a page that does not carry %q:\n%s", path, res.StatusCode, want, body)
	}
	return body
}

// leaveEmergency opens the page of the new emergency code, with appURL
// carried, and follows its link on: a 303 to the app.
func leaveEmergency(t *testing.T, b *browser) {
	t.Helper()
	_, body := b.get("/phone/done" + returnQuery)
	link := "/login" + returnQuery
	if !strings.Contains(body, `href="`+html.EscapeString(link)+`"`) {
		t.Fatalf("the emergency code page does not link to %s:\n%s", link, body)
	}
	res, _ := b.get(link)
	expectAt(t, res, appURL)
}

// enrollAt verifies phone by SMS from the phone page with appURL carried
// and ends at the app.
func (h *twoFactor) enrollAt(t *testing.T, b *browser, phone string) {
	t.Helper()
	carries(t, b, "/phone"+returnQuery)
	res, _ := b.post("/phone", withReturn(url.Values{"country": {"US"}, "phone": {phone}, "channel": {"sms"}}, appURL))
	expectAt(t, res, "/verify"+returnQuery)
	carries(t, b, "/verify"+returnQuery)
	res, _ = b.post("/verify", withReturn(url.Values{"code": {h.sender.lastCode(t)}}, appURL))
	expectAt(t, res, "/phone/done"+returnQuery)
	leaveEmergency(t, b)
}

// wrongThenRight types a wrong code into field of the form on page, which
// posts to action and comes back to page, then the right one, which goes
// on to then; appURL is carried at every step.
func wrongThenRight(t *testing.T, b *browser, page, action, field, right, then string) {
	t.Helper()
	for _, try := range []struct{ code, to string }{{"0000-0000-0000-0000", page}, {right, then}} {
		carries(t, b, page+returnQuery)
		res, _ := b.post(action, withReturn(url.Values{field: {try.code}}, appURL))
		expectAt(t, res, try.to+returnQuery)
	}
}

// TestReturnAfterEmergencyCode: the emergency code instead of the code
// (after a wrong one) keeps rd through the phone it then asks for, and
// ends at the app.
func TestReturnAfterEmergencyCode(t *testing.T) {
	h, _ := protectedApp(t)
	first := h.browser()
	first.login("ada@example.com", goodPassword)
	emergency := h.enroll(first, testPhone)

	b := h.browser()
	expectAt(t, loginAt(t, b, appURL, appURL, "ada@example.com", goodPassword), "/verify"+returnQuery)
	wrongThenRight(t, b, "/verify", "/verify/emergency", "emergency_code", emergency, "/phone")
	h.enrollAt(t, b, testPhone2)
}

// TestReturnAfterRecoveryCode: a member whose second factor an admin
// reset logs in with rd, types the one-time recovery code (after a wrong
// one), verifies a phone, and ends at the app.
func TestReturnAfterRecoveryCode(t *testing.T) {
	f := newResetFixture(t, true)
	owner, err := f.db.UserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	f.protectID(f.project.ID, owner.ID, appHost)
	code := f.resetCode()

	b := f.browser()
	expectAt(t, loginAt(t, b, appURL, appURL, "dev@example.com", goodPassword), "/phone"+returnQuery)
	if body := carries(t, b, "/phone"+returnQuery); !strings.Contains(body, `name="recovery_code"`) {
		t.Fatalf("the phone page does not ask for the recovery code:\n%s", body)
	}
	wrongThenRight(t, b, "/phone", "/phone/recovery", "recovery_code", code, "/phone")
	f.enrollAt(t, b, phoneY)
}

// TestReturnThroughEnrollmentRetries: a first login with rd, then a wrong
// code, a resend, a switch to a call and back, and the right code, keeps
// rd at every step and ends at the app.
func TestReturnThroughEnrollmentRetries(t *testing.T) {
	h, _ := protectedApp(t)
	b := h.browser()
	verify := "/verify" + returnQuery
	expectAt(t, loginAt(t, b, appURL, appURL, "ada@example.com", goodPassword), "/phone"+returnQuery)
	carries(t, b, "/phone"+returnQuery)
	res, _ := b.post("/phone", withReturn(url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}}, appURL))
	expectAt(t, res, verify)
	for _, step := range []struct {
		name string
		form url.Values
		path string
		wait bool // after the send cooldown
	}{
		{"a wrong code", url.Values{"code": {wrongCode(h.sender.lastCode(t))}}, "/verify", false},
		{"a resend", url.Values{"channel": {"sms"}}, "/verify/send", true},
		{"a switch to a call", url.Values{"channel": {"call"}}, "/verify/send", true},
		{"back to SMS too soon", url.Values{"channel": {"sms"}}, "/verify/send", false},
	} {
		if step.wait {
			h.clock.Add(phonegate.SendCooldown)
		}
		carries(t, b, verify)
		res, _ := b.post(step.path, withReturn(step.form, appURL))
		if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != verify {
			t.Fatalf("%s: got %d to %q, want 303 to %q", step.name, res.StatusCode, got, verify)
		}
	}
	carries(t, b, verify)
	res, _ = b.post("/verify", withReturn(url.Values{"code": {h.sender.lastCode(t)}}, appURL))
	expectAt(t, res, "/phone/done"+returnQuery)
	leaveEmergency(t, b)
}

// failSMS marks every delivery of b's challenge undelivered, as Twilio's
// status callback would, so that the code page offers the reply code;
// it returns that code.
func (h *twoFactor) failSMS(t *testing.T, b *browser) string {
	t.Helper()
	ctx := context.Background()
	ch := h.sessionChallenge(b)
	ds, err := h.db.Deliveries(ctx, ch.ID)
	if err != nil || len(ds) == 0 {
		t.Fatalf("deliveries of the challenge: %v, %v", ds, err)
	}
	for _, d := range ds {
		if _, _, err := h.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: "undelivered", ErrorCode: 30003, At: h.clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	m := replyCodeRE.FindStringSubmatch(carries(t, b, "/verify"+returnQuery))
	if m == nil {
		t.Fatal("no reply code on the code page after a failed SMS")
	}
	return m[1]
}

// replyFromPhone texts body from phone to the gate's number, as Twilio's
// inbound webhook brings it.
func (h *twoFactor) replyFromPhone(t *testing.T, phone, body string) {
	t.Helper()
	form := url.Values{"From": {phone}, "To": {"+15005550006"}, "Body": {body}, "MessageSid": {"SM1"}}
	sig := twilioSign("test-auth-token", "http://127.0.0.1:8080/twilio/sms/inbound", form)
	res, answer := (&whHarness{harness: h.harness}).twilioSig("/twilio/sms/inbound", form, sig)
	if res.StatusCode != http.StatusOK || !strings.Contains(answer, replyVerifiedText) {
		t.Fatalf("the reply from the phone: got %d\n%s", res.StatusCode, answer)
	}
}

// TestReturnAfterReply: when the SMS does not arrive and the phone texts
// the reply code back, the code page goes on to the app: by its poll
// (whose "next" the page follows) or by a reload (a 303); for a login and
// for the phone of a first enrollment.
func TestReturnAfterReply(t *testing.T) {
	login := func(t *testing.T) (*twoFactor, *browser) {
		h, _ := protectedApp(t)
		first := h.browser()
		first.login("ada@example.com", goodPassword)
		h.enroll(first, testPhone)
		b := h.browser()
		expectAt(t, loginAt(t, b, appURL, appURL, "ada@example.com", goodPassword), "/verify"+returnQuery)
		carries(t, b, "/verify"+returnQuery)
		res, _ := b.post("/verify/send", withReturn(url.Values{"channel": {"sms"}}, appURL))
		expectAt(t, res, "/verify"+returnQuery)
		h.replyFromPhone(t, testPhone, h.failSMS(t, b))
		return h, b
	}
	t.Run("login, a reload", func(t *testing.T) {
		_, b := login(t)
		res, _ := b.get("/verify" + returnQuery)
		expectAt(t, res, appURL)
	})
	t.Run("login, the poll", func(t *testing.T) {
		_, b := login(t)
		res, body := b.get("/verify/status" + returnQuery)
		var st codeStatus
		if err := json.Unmarshal([]byte(body), &st); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET /verify/status: got %d, %v\n%s", res.StatusCode, err, body)
		}
		if st.Next != appURL {
			t.Errorf("the poll's next = %q, want %q", st.Next, appURL)
		}
		if got := b.ask(forwardCheck("GET", appHost, "/dash")).StatusCode; got != http.StatusOK {
			t.Errorf("the app's check after the reply: got %d, want 200", got)
		}
	})
	t.Run("enrollment, a reload", func(t *testing.T) {
		h, _ := protectedApp(t)
		b := h.browser()
		expectAt(t, loginAt(t, b, appURL, appURL, "ada@example.com", goodPassword), "/phone"+returnQuery)
		carries(t, b, "/phone"+returnQuery)
		res, _ := b.post("/phone", withReturn(url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}}, appURL))
		expectAt(t, res, "/verify"+returnQuery)
		h.replyFromPhone(t, testPhone, h.failSMS(t, b))
		res, _ = b.get("/verify" + returnQuery)
		expectAt(t, res, "/phone/done"+returnQuery)
		leaveEmergency(t, b)
	})
}
