package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/store"
)

// The code page's forms, as the page's HTML names them.
const (
	codeBox       = `autocomplete="one-time-code"`
	sendForm      = `action="/verify/send"`
	emergencyForm = `action="/verify/emergency"`
)

// twilioSMSStatus posts an SMS status callback for delivery id, signed as
// Twilio signs it for the two-factor harness.
func (h *twoFactor) twilioSMSStatus(id, name string) {
	h.t.Helper()
	path := "/twilio/sms/status?d=" + id
	form := whForm(h.t, name)
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilioSign("test-auth-token", "http://127.0.0.1:8080"+path, form))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		h.t.Fatalf("POST %s: got %d", path, res.StatusCode)
	}
}

// lastDelivery returns the newest delivery of the browser's challenge.
func (h *twoFactor) lastDelivery(b *browser) store.Delivery {
	h.t.Helper()
	ds, err := h.db.Deliveries(context.Background(), h.sessionChallenge(b).ID)
	if err != nil || len(ds) == 0 {
		h.t.Fatalf("deliveries: %v (%d)", err, len(ds))
	}
	return ds[len(ds)-1]
}

// TestCodePageStates puts the code page in each of its states and reads
// what the page and /verify/status say: the same state, one notice, and
// only the forms that can work.
func TestCodePageStates(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		opts  []harnessOption
		setup func(t *testing.T, h *twoFactor, b *browser)
		state string
		// words on the page and in the JSON message; then words that must
		// not be on the page
		words   []string
		absent  []string
		codeBox bool
		buttons []string // the send buttons' labels, the main one first
		tries   int
	}{
		{name: "nothing sent yet", setup: func(t *testing.T, h *twoFactor, b *browser) {},
			state: "none", words: []string{"Nothing has been sent yet: choose how to get your code."},
			buttons: []string{"Text me a code", "Call me"}},
		{name: "sent by SMS", setup: func(t *testing.T, h *twoFactor, b *browser) { h.sendSMS(b) },
			state: "sent", words: []string{"The code is on its way by text message."}, codeBox: true,
			buttons: []string{"Text me the code again", "Call me"}},
		{name: "the automatic call after an undelivered SMS", setup: func(t *testing.T, h *twoFactor, b *browser) {
			h.sendSMS(b)
			h.twilioSMSStatus(h.lastDelivery(b).ID, "sms-status-undelivered")
			if _, calls := h.sender.counts(); calls != 1 {
				t.Fatalf("%d calls placed, want the automatic one", calls)
			}
		}, state: "auto_call", words: []string{"The text message did not reach your phone, so we are calling you with the code instead."},
			codeBox: true, buttons: []string{"Call me again", "Text me the code again"}},
		{name: "every delivery failed", setup: func(t *testing.T, h *twoFactor, b *browser) {
			h.sendSMS(b)
			if _, _, err := h.db.UpdateDeliveryStatus(ctx, h.lastDelivery(b).ID, "undelivered", 30003, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, state: "failed", words: []string{"The text message did not reach your phone. You can get a call instead."},
			codeBox: true, buttons: []string{"Call me", "Text me the code again"}},
		{name: "2 wrong codes", setup: func(t *testing.T, h *twoFactor, b *browser) {
			code := h.sendSMS(b)
			for range 2 {
				b.submit("/verify", url.Values{"code": {wrongCode(code)}})
			}
		}, state: "wrong", words: []string{"That code is not valid: 3 tries left."}, codeBox: true, tries: 3,
			buttons: []string{"Text me the code again", "Call me"}},
		{name: "4 wrong codes", setup: func(t *testing.T, h *twoFactor, b *browser) {
			code := h.sendSMS(b)
			for range 4 {
				b.submit("/verify", url.Values{"code": {wrongCode(code)}})
			}
		}, state: "wrong", words: []string{"That code is not valid: 1 try left."}, codeBox: true, tries: 1,
			buttons: []string{"Text me the code again", "Call me"}},
		{name: "5 wrong codes: the code is dead", setup: func(t *testing.T, h *twoFactor, b *browser) {
			code := h.sendSMS(b)
			for range 5 {
				b.submit("/verify", url.Values{"code": {wrongCode(code)}})
			}
		}, state: "dead", words: []string{msgDead}, absent: []string{"sends left", "works for 10 minutes", "tries left"},
			buttons: []string{"Send a new code by text message", "Send a new code by call"}},
		{name: "expired", setup: func(t *testing.T, h *twoFactor, b *browser) {
			h.sendSMS(b)
			h.clock.Add(store.ChallengeLife + time.Second)
		}, state: "expired", words: []string{"This code has expired. Send a new code."}, absent: []string{"sends left", "works for 10 minutes"},
			buttons: []string{"Send a new code by text message", "Send a new code by call"}},
		{name: "cancelled by a NO reply", setup: func(t *testing.T, h *twoFactor, b *browser) {
			h.sendSMS(b)
			if _, err := h.db.CancelPendingForPhone(ctx, testPhone, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, state: "cancelled", words: []string{"This code was cancelled: the phone it went to replied NO, saying that nobody there asked for it."},
			absent: []string{"sends left"}, buttons: []string{"Send a new code by text message", "Send a new code by call"}},
		{name: "opted out by STOP", setup: func(t *testing.T, h *twoFactor, b *browser) {
			if err := h.db.SetOptOut(ctx, testPhone, true, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, state: "opted_out", words: []string{"This number replied STOP to our text messages, so none are sent to it"},
			absent: []string{"Text me"}, buttons: []string{"Call me"}},
		{name: "the number's hourly limit", setup: func(t *testing.T, h *twoFactor, b *browser) {
			for range store.MaxNumberSends {
				if err := h.db.AddEvent(ctx, store.SendsKey(testPhone), h.clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
		}, state: "limited", words: []string{"No more codes can be sent to this number now: it was sent 10 in the last hour"}},
		{name: "the day's caps of both channels", opts: []harnessOption{func(c *handlers.Config) { c.DailySMS, c.DailyCalls = 1, 1 }},
			setup: func(t *testing.T, h *twoFactor, b *browser) {
				b.get("/verify")
				b.submit("/verify/send", url.Values{"channel": {"call"}})
			}, state: "limited", codeBox: true,
			words: []string{"Type the code you already got. Codes cannot be sent now: this server has sent all the text messages and calls it may send today."}},
		{name: "the day's SMS cap only", opts: []harnessOption{func(c *handlers.Config) { c.DailySMS = 1 }},
			setup: func(t *testing.T, h *twoFactor, b *browser) {}, state: "none",
			words:   []string{"Nothing has been sent yet"},
			absent:  []string{"Text me"},
			buttons: []string{"Call me"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t, tt.opts...)
			_, p := h.addUser("ada@example.com", goodPassword, "Engine")
			h.setLevel(p.ID, phonegate.LevelEveryLogin)
			h.enroll(h.pending(), testPhone)
			h.clock.Add(time.Minute)
			b := h.pending()
			b.get("/verify")
			tt.setup(t, h, b)

			_, page := b.get("/verify")
			st := b.status(t)
			if st.State != tt.state {
				t.Errorf("state: got %q, want %q", st.State, tt.state)
			}
			if got := regexp.MustCompile(`data-state="([a-z_]+)"`).FindStringSubmatch(page); got == nil || got[1] != tt.state {
				t.Errorf("the page's state: got %v, want %q", got, tt.state)
			}
			for _, w := range tt.words {
				if !strings.Contains(page, w) {
					t.Errorf("the page does not say %q\n%s", w, page)
				}
				if !strings.Contains(st.Message, w) {
					t.Errorf("the JSON message %q does not say %q", st.Message, w)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(page, w) {
					t.Errorf("the page says %q in this state\n%s", w, page)
				}
			}
			if got := strings.Contains(page, codeBox); got != tt.codeBox {
				t.Errorf("code box on the page: got %v, want %v", got, tt.codeBox)
			}
			if st.CodeBox != tt.codeBox {
				t.Errorf("code_box in the JSON: got %v, want %v", st.CodeBox, tt.codeBox)
			}
			if st.TriesLeft != tt.tries {
				t.Errorf("tries_left: got %d, want %d", st.TriesLeft, tt.tries)
			}
			var labels []string
			for _, m := range regexp.MustCompile(`name="channel" value="(?:sms|call)"[^>]*>([^<]+)</button>`).FindAllStringSubmatch(page, -1) {
				labels = append(labels, m[1])
			}
			var jsonLabels []string
			for _, b := range st.Buttons {
				jsonLabels = append(jsonLabels, b.Label)
			}
			if strings.Join(labels, "|") != strings.Join(tt.buttons, "|") || strings.Join(jsonLabels, "|") != strings.Join(tt.buttons, "|") {
				t.Errorf("send buttons: page %q, JSON %q; want %q", labels, jsonLabels, tt.buttons)
			}
			if got := strings.Contains(page, sendForm); got != (len(tt.buttons) > 0) {
				t.Errorf("send form on the page: %v, want %v", got, len(tt.buttons) > 0)
			}
			if !strings.Contains(page, emergencyForm) {
				t.Error("the emergency code is not offered")
			}
			if n := strings.Count(page, `class="notice"`); n != 1 {
				t.Errorf("%d notices on the page, want one", n)
			}
		})
	}
}

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
	for range store.MaxMFAFailures {
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
	for range store.MaxChecks + 1 {
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
	for range store.MaxChecks {
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
