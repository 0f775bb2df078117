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
func (h *twoFactor) lastDelivery(b *browser) phonegate.Delivery {
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
			if _, _, err := h.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: h.lastDelivery(b).ID, Status: "undelivered", ErrorCode: 30003, At: h.clock.Now()}); err != nil {
				t.Fatal(err)
			}
		}, state: "failed", words: []string{"The text message did not reach your phone. You can get a call instead."},
			codeBox: true, buttons: []string{"Call me", "Text me the code again"}},
		{name: "a canceled SMS failed like an undelivered one", setup: func(t *testing.T, h *twoFactor, b *browser) {
			h.sendSMS(b)
			if _, _, err := h.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: h.lastDelivery(b).ID, Status: "canceled", At: h.clock.Now()}); err != nil {
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
			h.clock.Add(phonegate.ChallengeLife + time.Second)
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
			for range phonegate.MaxNumberSends {
				if err := h.db.AddEvent(ctx, phonegate.SendsKey(testPhone), h.clock.Now()); err != nil {
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
