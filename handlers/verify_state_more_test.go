package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestCodePageLocked: while the lock holds the page says until when (an
// ISO time in a <time> element, UTC in the text), once, and offers no
// send, no code box and no emergency code; the JSON says the same.
func TestCodePageLocked(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	h.enroll(h.pending(), testPhone)
	b := h.pending()
	h.sendSMS(b)
	locked := h.clock.Now()
	var page string
	for range phonegate.MaxMFAFailures {
		_, page = b.submit("/verify/emergency", url.Values{"emergency_code": {"AAAA-BBBB-CCCC-DDDD"}})
	}
	until := locked.Add(15 * time.Minute).UTC()
	for _, w := range []string{
		"Too many failed attempts: two-factor verification is locked until ",
		`<time class="local" datetime="` + until.Format(time.RFC3339) + `">` + until.Format("15:04") + ` UTC</time>`,
	} {
		if !strings.Contains(page, w) {
			t.Errorf("the locked page lacks %q\n%s", w, page)
		}
	}
	for _, form := range []string{codeBox, sendForm, emergencyForm, "That emergency code is not valid."} {
		if strings.Contains(page, form) {
			t.Errorf("the locked page has %q\n%s", form, page)
		}
	}
	if n := strings.Count(page, `class="notice"`) + strings.Count(page, `class="error"`); n != 1 {
		t.Errorf("%d messages on the locked page, want one\n%s", n, page)
	}
	st := b.status(t)
	if st.State != "locked" || st.LockedUntil != until.Format(time.RFC3339) || st.CodeBox || len(st.Buttons) != 0 ||
		!strings.Contains(st.Message, "locked until "+until.Format("15:04")+" UTC") {
		t.Errorf("status while locked: %+v", st)
	}
	// A new login during the lock: the same one message.
	_, page = h.pending().get("/verify")
	if !strings.Contains(page, msgLocked) || strings.Contains(page, sendForm) {
		t.Errorf("a new session during the lock\n%s", page)
	}
}

// TestCodeBeforeSendNotCounted: a code typed before anything was sent is
// neither checked nor counted against the code or the lock.
func TestCodeBeforeSendNotCounted(t *testing.T) {
	h, u, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	b.get("/verify")
	for range phonegate.MaxChecks + 1 {
		_, page := b.submit("/verify", url.Values{"code": {"123456"}})
		if !strings.Contains(page, "No code has been sent yet, so that one was not checked") {
			t.Fatalf("the page does not say the code was not checked\n%s", page)
		}
	}
	if c := h.sessionChallenge(b); c.Checks != 0 {
		t.Errorf("checks of the challenge: got %d, want 0", c.Checks)
	}
	if got, _ := h.db.User(context.Background(), u.ID); got.MFAFailures != 0 {
		t.Errorf("second-factor failures: got %d, want 0", got.MFAFailures)
	}
	code := h.sendSMS(b)
	b.get("/verify")
	res, _ := b.post("/verify", url.Values{"code": {code}})
	expectRedirect(t, res, "/")
}

// TestDeadCodeSendsANewChallenge: after 5 wrong codes, "Send a new code"
// makes a new challenge with a new code, which works.
func TestDeadCodeSendsANewChallenge(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	old := h.sendSMS(b)
	for range phonegate.MaxChecks {
		b.submit("/verify", url.Values{"code": {wrongCode(old)}})
	}
	dead := h.sessionChallenge(b)
	h.clock.Add(time.Second) // no wait: the dead code's cooldown does not hold the new one
	_, page := b.submit("/verify/send", url.Values{"channel": {"sms"}})
	fresh := h.sessionChallenge(b)
	if fresh.ID == dead.ID || fresh.Sends != 1 || fresh.Checks != 0 {
		t.Fatalf("after Send a new code: challenge %s (sends %d, checks %d), want a new one of 1 send", fresh.ID, fresh.Sends, fresh.Checks)
	}
	if !strings.Contains(page, "The code is on its way by text message.") || !strings.Contains(page, "4 of 5 sends left") {
		t.Errorf("the page after the new code\n%s", page)
	}
	code := h.sender.lastCode(t)
	res, _ := b.post("/verify", url.Values{"code": {code}})
	expectRedirect(t, res, "/")
}

// TestCodePageReloadNeverPostsAgain: each form of the code page answers
// 303, and its message is shown once: a reload shows the page without it.
func TestCodePageReloadNeverPostsAgain(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	h.sendSMS(b)
	res, body := b.submit("/verify/emergency", url.Values{"emergency_code": {"AAAA-BBBB-CCCC-DDDD"}})
	if !strings.Contains(body, "That emergency code is not valid.") {
		t.Fatalf("the refusal is not shown\n%s", body)
	}
	_, again := b.get(res.Request.URL.RequestURI())
	if strings.Contains(again, "That emergency code is not valid.") {
		t.Error("a reload shows the one-time message again")
	}
	before, _ := h.sender.counts()
	b.get("/verify")
	b.submit("/verify/send", url.Values{"channel": {"sms"}})
	b.get("/verify")
	if n, _ := h.sender.counts(); n != before {
		t.Errorf("a click during the wait and a reload sent %d codes, want none", n-before)
	}
}

// TestMainButtonIsThePreferredChannel: the main send button is the channel
// the account page names; after an enrollment by call, that is the call.
func TestMainButtonIsThePreferredChannel(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	b.submit("/phone", url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"call"}})
	_, page := b.get("/verify")
	if i, j := strings.Index(page, ">Call me again<"), strings.Index(page, ">Text me a code<"); i < 0 || j < 0 || i > j {
		t.Errorf("enrolling by call: the call is not the main button\n%s", page)
	}
	ch := h.sessionChallenge(b)
	code, err := testKeys(t).Open(ch.ID, ch.CodeSealed) // what the call speaks
	if err != nil {
		t.Fatal(err)
	}
	res, _ := b.post("/verify", url.Values{"code": {code}})
	loc := expectRedirect(t, res, "/phone/done")
	b.get(loc)
	_, account := b.get("/account")
	if !strings.Contains(account, "voice call</strong> first") && !strings.Contains(account, "voice call first") {
		t.Fatalf("the account page does not name the call first\n%s", account)
	}
	l := h.pending()
	_, page = l.get("/verify")
	if i, j := strings.Index(page, ">Call me<"), strings.Index(page, ">Text me a code<"); i < 0 || j < 0 || i > j {
		t.Errorf("the code page's main button is not the call the account page names\n%s", page)
	}
}

// TestEnrollmentCancelledByNo: the holder of a number typed on the phone
// page replies NO; the code page says so and offers another number.
func TestEnrollmentCancelledByNo(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	b.submit("/phone", url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}})
	if _, err := h.db.CancelPendingForPhone(context.Background(), testPhone, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/verify")
	if !strings.Contains(page, "replied NO") || !strings.Contains(page, `id="other-phone"`) || strings.Contains(page, codeBox) {
		t.Errorf("the cancelled enrollment's page\n%s", page)
	}
	if st := b.status(t); st.State != "cancelled" {
		t.Errorf("state: got %q, want cancelled", st.State)
	}
	if res, page := b.get("/phone"); res.StatusCode != 200 || !strings.Contains(page, `action="/phone"`) {
		t.Errorf("the phone page to start over: got %d", res.StatusCode)
	}
}
