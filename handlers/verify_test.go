package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

const (
	msgInvalid = "That code is not valid. Check the latest message or call, or send a new code."
	msgDead    = "Too many wrong codes: this code no longer works. Send a new code."
	msgLocked  = "Too many failed attempts: two-factor verification is locked until"
)

// enrolled returns a harness whose user ada has verified testPhone and
// belongs to a project asking for a code at every login.
func enrolled(t *testing.T, level phonegate.Level, opts ...harnessOption) (*twoFactor, phonegate.User, phonegate.Project) {
	t.Helper()
	h := newTwoFactor(t, opts...)
	u, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, level)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	h.enroll(b, testPhone)
	return h, u, p
}

// pending logs ada in with the password only.
func (h *twoFactor) pending() *browser {
	h.t.Helper()
	b := h.browser()
	res := b.login("ada@example.com", goodPassword)
	if res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("login: got %d", res.StatusCode)
	}
	return b
}

// sendSMS asks for the code by SMS and returns it.
func (h *twoFactor) sendSMS(b *browser) string {
	h.t.Helper()
	b.get("/verify")
	if res, body := b.post("/verify/send", url.Values{"channel": {"sms"}}); res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("POST /verify/send: got %d\n%s", res.StatusCode, body)
	}
	return h.sender.lastCode(h.t)
}

// wrongCodes types n wrong codes as ada, logging in anew every 4 so that
// the count follows the user across challenges and sessions, and calls
// each (if not nil) after the i-th; it returns the last code sent.
func (h *twoFactor) wrongCodes(n int, each func(i int)) string {
	h.t.Helper()
	var b *browser
	var code string
	for i := range n {
		if i%4 == 0 {
			h.clock.Add(time.Minute)
			b = h.pending()
			code = h.sendSMS(b)
			b.get("/verify")
		}
		b.post("/verify", url.Values{"code": {wrongCode(code)}})
		if each != nil {
			each(i)
		}
	}
	return code
}

// wrongCode returns a six-digit code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestCodeLife(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		pass  bool
	}{
		{"at once", 0, true},
		{"at 9:59", 9*time.Minute + 59*time.Second, true},
		{"at 10:01", 10*time.Minute + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
			b := h.pending()
			code := h.sendSMS(b)
			h.clock.Add(tt.after)
			b.get("/verify")
			res, _ := b.post("/verify", url.Values{"code": {code}})
			if tt.pass {
				expectRedirect(t, res, "/")
				return
			}
			expectRedirect(t, res, "/verify")
			if _, body := b.get(res.Header.Get("Location")); !strings.Contains(body, "This code has expired. Send a new code.") {
				t.Fatalf("expired code: the code page does not say it expired\n%s", body)
			}
			if res, _ := b.get("/"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("the project page opened after an expired code: %d", res.StatusCode)
			}
		})
	}
}

func TestWrongCodes(t *testing.T) {
	tests := []struct {
		name  string
		wrong int
		pass  bool
	}{
		{"right at once", 0, true},
		{"4 wrong then right", 4, true},
		{"5 wrong then right", 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
			b := h.pending()
			code := h.sendSMS(b)
			b.get("/verify")
			for i := range tt.wrong {
				_, body := b.submit("/verify", url.Values{"code": {wrongCode(code)}})
				if left := 4 - i; left > 0 && !strings.Contains(body, fmt.Sprintf("That code is not valid: %s left.", tries(left))) {
					t.Fatalf("wrong code %d: the page does not say %s are left\n%s", i+1, tries(left), body)
				}
			}
			res, _ := b.post("/verify", url.Values{"code": {code}})
			if tt.pass {
				expectRedirect(t, res, "/")
				return
			}
			expectRedirect(t, res, "/verify")
			if _, body := b.get("/verify"); !strings.Contains(body, msgDead) {
				t.Fatalf("right code on a dead challenge: the page does not say the code died\n%s", body)
			}
			// Sending again makes a new challenge with a new code, which works.
			h.clock.Add(time.Minute)
			code = h.sendSMS(b)
			b.get("/verify")
			res, _ = b.post("/verify", url.Values{"code": {code}})
			expectRedirect(t, res, "/")
		})
	}
}

// TestVerifySendLimits: the 30-second wait and the 5 sends of a code.
// Every click answers 303 (post, redirect, get): during the wait the page
// shows the countdown, never a bare 429.
func TestVerifySendLimits(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	steps := []struct {
		name     string
		wait     time.Duration
		sends    int    // total sends recorded after the step
		countOn  int    // the countdown's seconds on the page after it; 0 for none
		wantText string // also on the page
	}{
		{"first send", 0, 1, 30, "The code is on its way by text message."},
		{"at once again", 0, 1, 30, "4 of 5 sends left for this code."},
		{"29 s later", 29 * time.Second, 1, 1, "4 of 5 sends left for this code."},
		{"30 s after the first", time.Second, 2, 30, "3 of 5 sends left for this code."},
		{"third", 30 * time.Second, 3, 30, "2 of 5 sends left"},
		{"fourth", 30 * time.Second, 4, 30, "1 of 5 sends left"},
		{"fifth", 30 * time.Second, 5, 0, "This code was sent 5 times, the most it may be"},
		{"sixth is one too many", 30 * time.Second, 5, 0, "This code was sent 5 times, the most it may be"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			h.clock.Add(st.wait)
			b.get("/verify")
			res, body := b.submit("/verify/send", url.Values{"channel": {"sms"}})
			if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/verify" {
				t.Fatalf("after the click: got %d at %s, want the code page", res.StatusCode, res.Request.URL)
			}
			if n, _ := h.sender.counts(); n != st.sends+1 { // +1: the enrollment's
				t.Errorf("%d text messages sent, want %d", n-1, st.sends)
			}
			wait := fmt.Sprintf("You can ask for another code in %d seconds.", st.countOn)
			if st.countOn == 1 {
				wait = "You can ask for another code in 1 second."
			}
			if got := strings.Contains(body, wait); got != (st.countOn > 0) {
				t.Errorf("countdown %q on the page: %v, want %v\n%s", wait, got, st.countOn > 0, body)
			}
			if !strings.Contains(body, st.wantText) {
				t.Errorf("the page does not say %q\n%s", st.wantText, body)
			}
			if strings.Contains(body, "You can send another code in") {
				t.Errorf("the wait is said twice (a flash beside the countdown)\n%s", body)
			}
		})
	}

	t.Run("10 per number per hour across logins", func(t *testing.T) {
		// Five sends went to the number above, one more at enrollment.
		for i := range 4 {
			h.clock.Add(time.Second)
			got := h.pending()
			got.get("/verify")
			if res, _ := got.post("/verify/send", url.Values{"channel": {"call"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("send %d to the number: got %d", 7+i, res.StatusCode)
			}
		}
		late := h.pending()
		_, page := late.get("/verify")
		const limited = "No more codes can be sent to this number now: it was sent 10 in the last hour"
		if !strings.Contains(page, limited) || strings.Contains(page, `name="channel"`) {
			t.Errorf("the code page at the number's limit does not say so, or still offers a send\n%s", page)
		}
		before, calls := h.sender.counts()
		if _, body := late.submit("/verify/send", url.Values{"channel": {"sms"}}); !strings.Contains(body, limited) {
			t.Errorf("eleventh send to the number within the hour: the page does not say %q\n%s", limited, body)
		}
		if sms, c := h.sender.counts(); sms != before || c != calls {
			t.Error("an eleventh code went to the number within the hour")
		}
		h.clock.Add(time.Hour)
		later := h.pending()
		later.get("/verify")
		if res, _ := later.post("/verify/send", url.Values{"channel": {"sms"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("an hour later: got %d, want 303", res.StatusCode)
		}
		if sms, _ := h.sender.counts(); sms != before+1 {
			t.Errorf("an hour later no code was sent")
		}
	})
}

func TestLockAcrossLogins(t *testing.T) {
	tests := []struct {
		name       string
		wrong      int
		resetAfter int // a right code after this many wrong ones (0: none)
		wait       time.Duration
		wantLocked bool
	}{
		{"9 wrong", 9, 0, 0, false},
		{"10 wrong", 10, 0, 0, true},
		{"10 wrong, 14 minutes later", 10, 0, 14 * time.Minute, true},
		{"10 wrong, 15 minutes later", 10, 0, 15 * time.Minute, false},
		{"a right code after 9 resets the count", 18, 9, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
			code := h.wrongCodes(tt.wrong, func(i int) {
				if tt.resetAfter != 0 && i+1 == tt.resetAfter {
					ok := h.pending()
					h.clock.Add(time.Minute)
					if res := h.passCode(ok); res.StatusCode != http.StatusSeeOther {
						t.Fatalf("right code: got %d", res.StatusCode)
					}
				}
			})
			h.clock.Add(tt.wait)
			b := h.pending()
			_, page := b.get("/verify")
			if got := strings.Contains(page, msgLocked); got != tt.wantLocked {
				t.Errorf("the code page tells of the lock: %v, want %v", got, tt.wantLocked)
			}
			before, _ := h.sender.counts()
			_, body := b.submit("/verify/send", url.Values{"channel": {"sms"}})
			if tt.wantLocked {
				// Nothing is sent while locked; the code already sent, though
				// right, is refused.
				if n, _ := h.sender.counts(); n != before || !strings.Contains(body, msgLocked) {
					t.Errorf("send while locked: %d sent, want none and the lock notice\n%s", n-before, body)
				}
			} else {
				code = h.sender.lastCode(t)
			}
			b.get("/verify")
			res, _ := b.post("/verify", url.Values{"code": {code}})
			want := "/"
			if tt.wantLocked {
				want = "/verify"
			}
			if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != want {
				t.Fatalf("right code: got %d to %q, want 303 to %s", res.StatusCode, got, want)
			}
			if tt.wantLocked {
				if _, body := b.get(want); !strings.Contains(body, msgLocked) {
					t.Errorf("a locked user is not told so:\n%s", body)
				}
			}
		})
	}
}

// TestConcurrentCorrectCodes sends the right code 50 times at once from
// one session: exactly one request passes.
func TestConcurrentCorrectCodes(t *testing.T) {
	h, u, p := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	code := h.sendSMS(b)
	b.get("/verify")
	cookie := b.cookie("phonegate_session").Value
	form := url.Values{"code": {code}, "csrf_token": {b.csrf}}.Encode()

	var mu sync.Mutex
	statuses := map[string]int{}
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/verify", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "phonegate_session", Value: cookie})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			key := http.StatusText(res.StatusCode)
			if res.StatusCode == http.StatusSeeOther {
				key += " to " + res.Header.Get("Location")
			}
			mu.Lock()
			statuses[key]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses["See Other to /"] != 1 {
		t.Errorf("outcomes of 50 concurrent right codes: %v; want exactly one 303 to /", statuses)
	}
	es, _ := h.db.AuditEvents(context.Background(), p.ID, 0, 100)
	passed := 0
	for _, e := range es {
		if e.Kind == "2fa.passed" && e.UserID == u.ID {
			passed++
		}
	}
	if passed != 1 {
		t.Errorf("%d code passes audited, want 1", passed)
	}
}

func TestVerifyPageGetNeverSends(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	smsBefore, callsBefore := h.sender.counts()
	b := h.pending()
	for range 3 {
		res, body := b.get("/verify")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /verify: got %d", res.StatusCode)
		}
		for _, want := range []string{"&#43;1 ••• ••• •671", "Nothing has been sent yet", "Text me a code", "Call me",
			"Use your emergency code", `href="/verify"`, "/static/verify.js"} {
			if !strings.Contains(body, want) {
				t.Errorf("the code page lacks %q", want)
			}
		}
		// The code box appears once a code is on its way.
		if strings.Contains(body, `autocomplete="one-time-code"`) {
			t.Error("the code box is shown before anything was sent")
		}
		if strings.Index(body, "Text me a code") > strings.Index(body, "Call me") {
			t.Error("the method that worked last (SMS) is not offered first")
		}
	}
	if sms, calls := h.sender.counts(); sms != smsBefore || calls != callsBefore {
		t.Errorf("GET /verify sent %d messages and %d calls, want none", sms-smsBefore, calls-callsBefore)
	}
}

func TestVerifyStatus(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	h.sendSMS(b)
	sent := h.clock.Now()
	ch := h.sessionChallenge(b)
	ds, _ := h.db.Deliveries(context.Background(), ch.ID)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries, want 1", len(ds))
	}
	if _, _, err := h.db.ApplyStatus(context.Background(), phonegate.StatusUpdate{ID: ds[0].ID, Status: "undelivered", ErrorCode: 30003, At: sent}); err != nil {
		t.Fatal(err)
	}

	res, body := b.get("/verify/status")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	var st struct {
		State       string `json:"state"`
		CanResendAt string `json:"can_resend_at"`
		Reply       bool   `json:"reply"`
		Deliveries  []struct {
			Channel   string `json:"channel"`
			Status    string `json:"status"`
			ErrorCode int    `json:"error_code"`
		} `json:"deliveries"`
	}
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if st.State != "failed" || st.CanResendAt != sent.Add(30*time.Second).UTC().Format(time.RFC3339) || !st.Reply {
		t.Errorf("status = %+v", st)
	}
	want := []struct {
		Channel   string `json:"channel"`
		Status    string `json:"status"`
		ErrorCode int    `json:"error_code"`
	}{{"sms", "undelivered", 30003}}
	if diff := cmp.Diff(want, st.Deliveries); diff != "" {
		t.Errorf("deliveries (-want +got):\n%s", diff)
	}

	// The page says the SMS failed, offers the call first and the reply code.
	_, page := b.get("/verify")
	if !strings.Contains(page, "did not reach your phone") || !strings.Contains(page, testKeys(t).ReplyCode(ch.ID)) ||
		strings.Index(page, "Call me") > strings.Index(page, "Text me") {
		t.Errorf("the page does not show the failed SMS, the call first and the reply code:\n%s", page)
	}
}

// TestVerificationByReply approves the challenge as an SMS reply does: the
// polling claims it and the session passes, once.
func TestVerificationByReply(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	h.sendSMS(b)
	ch := h.sessionChallenge(b)
	keys := testKeys(t)
	if _, err := h.db.ApproveByReply(context.Background(), ch.Phone, keys.ReplyMAC(ch.Phone, keys.ReplyCode(ch.ID)), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	_, body := b.get("/verify/status")
	if !strings.Contains(body, `"state":"passed"`) || !strings.Contains(body, `"next":"/"`) {
		t.Fatalf("status after the reply: %s", body)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("home after the reply: got %d, want 200", res.StatusCode)
	}
	if got, _ := h.db.Challenge(context.Background(), ch.ID); got.State != phonegate.ChallengeUsed {
		t.Errorf("challenge state %q, want used", got.State)
	}
}
