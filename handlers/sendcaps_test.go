package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// seedCaps lift the global daily caps for benchmarks that store more
// deliveries than a day may send.
var seedCaps = phonegate.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}

// TestSMSPumpReplay replays the pump: one session with the password alone
// enrolls 40 consecutive numbers as fast as it can. Only the caps' worth
// of text messages go out (3 new numbers a day, 3 of one range an hour);
// every other number is refused in words, on the code page the refusal
// redirects to.
func TestSMSPumpReplay(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	refused := 0
	for i := range 40 {
		phone := fmt.Sprintf("+1415555%04d", 2600+i)
		before, _ := h.sender.counts()
		_, body := b.submit("/phone", url.Values{"country": {"US"}, "phone": {phone}, "channel": {"sms"}})
		if after, _ := h.sender.counts(); after == before {
			refused++
			if !strings.Contains(body, "new phone numbers today") && !strings.Contains(body, "close to this one") {
				t.Errorf("number %d refused without the reason in words:\n%s", i, body)
			}
		}
	}
	sms, calls := h.sender.counts()
	if sms != phonegate.MaxNewNumbers || calls != 0 || refused != 40-phonegate.MaxNewNumbers {
		t.Errorf("40 numbers pumped: %d SMS and %d calls sent, %d refused; want %d SMS, none refused past them",
			sms, calls, refused, phonegate.MaxNewNumbers)
	}
	// A second account cannot carry on in the same range within the hour.
	_, p2 := h.addUser("eve@example.com", goodPassword, "EveCorp")
	h.setLevel(p2.ID, phonegate.LevelEveryLogin)
	e := h.browser()
	e.login("eve@example.com", goodPassword)
	e.get("/phone")
	_, body := e.submit("/phone", url.Values{"country": {"US"}, "phone": {"+14155552700"}, "channel": {"sms"}})
	if !strings.Contains(body, "close to this one") {
		t.Errorf("another account in the range: the page does not name the range\n%s", body)
	}
	if n, _ := h.sender.counts(); n != phonegate.MaxNewNumbers {
		t.Errorf("%d SMS sent, want still %d", n, phonegate.MaxNewNumbers)
	}
}

// TestDailyCapReached: past the global daily cap of SMS, the page says in
// words that codes cannot be sent now, the log says so at error level,
// the audit log has a row, and a call still goes (its own cap).
func TestDailyCapReached(t *testing.T) {
	h := newTwoFactor(t, func(c *handlers.Config) { c.DailySMS = 1 })
	for i, email := range []string{"ada@example.com", "bob@example.com"} {
		_, p := h.addUser(email, goodPassword, fmt.Sprintf("P%d", i))
		h.setLevel(p.ID, phonegate.LevelEveryLogin)
	}
	ada := h.browser()
	ada.login("ada@example.com", goodPassword)
	ada.get("/phone")
	if res, body := ada.post("/phone", url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the day's first SMS: got %d\n%s", res.StatusCode, body)
	}
	bob := h.browser()
	bob.login("bob@example.com", goodPassword)
	bob.get("/phone")
	_, body := bob.submit("/phone", url.Values{"country": {"US"}, "phone": {testPhone2}, "channel": {"sms"}})
	const words = "Codes cannot be sent now: this server has sent all the text messages it may send today. " +
		"Try a voice call, or try again after 00:00 UTC."
	// Nothing was started: the phone form says why, with the call chosen.
	if !strings.Contains(body, words) || !strings.Contains(body, `value="call" checked`) {
		t.Errorf("past the cap: the phone page does not say %q, or does not offer the call first\n%s", words, body)
	}
	if sms, _ := h.sender.counts(); sms != 1 {
		t.Errorf("%d SMS sent, want 1", sms)
	}
	if logs := h.logs.String(); !strings.Contains(logs, `"level":"error"`) || !strings.Contains(logs, "daily cap of 1 text messages reached") {
		t.Errorf("the log does not say so at error level:\n%s", logs)
	}
	bobUser, _ := h.db.UserByEmail(context.Background(), "bob@example.com")
	ms, _ := h.db.Memberships(context.Background(), bobUser.ID)
	es, _ := h.db.AuditEvents(context.Background(), ms[0].Project.ID, 0, 10)
	found := false
	for _, e := range es {
		found = found || e.Kind == "code.daily_cap" && strings.Contains(e.Detail, "daily cap of 1 text messages")
	}
	if !found {
		t.Errorf("no code.daily_cap audit row: %+v", es)
	}
	// The code page offers the call, which has its own cap.
	bob.get("/verify")
	if res, body := bob.post("/verify/send", url.Values{"channel": {"call"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a call after the SMS cap: got %d\n%s", res.StatusCode, body)
	}
}

// TestSendCapPerAddress: a client address gets 60 sends an hour, whoever
// asks; the fallback call of its last SMS counts against it too and is not
// placed; another address is not affected.
func TestSendCapPerAddress(t *testing.T) {
	h := newWebhookHarness(t)
	ctx := context.Background()
	var last phonegate.Delivery
	for i := range phonegate.MaxAddressSends {
		d, err := h.srv.SendCodeFromForTest(ctx, labelled(h, fmt.Sprintf("+1415%03d2671", 200+i), "Apollo"), "sms", "203.0.113.9")
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		last = d
	}
	_, err := h.srv.SendCodeFromForTest(ctx, labelled(h, whPhone, "Apollo"), "sms", "203.0.113.9")
	status, msg, _ := handlers.UserMessageForTest(err)
	if status != http.StatusTooManyRequests || msg != "Too many codes were asked for from your network; try again after 10:00 UTC." {
		t.Errorf("past the address's cap: the user reads %d %q", status, msg)
	}
	if _, err := h.srv.SendCodeFromForTest(ctx, labelled(h, whPhone, "Apollo"), "sms", "203.0.113.10"); err != nil {
		t.Errorf("another address: %v", err)
	}
	h.twilio("/twilio/sms/status?d="+last.ID, whForm(t, "sms-status-undelivered"))
	if _, calls := h.sender.sent(); len(calls) != 0 {
		t.Errorf("%d fallback calls placed past the address's cap", len(calls))
	}
	es, _ := h.db.AuditEvents(ctx, h.project.ID, 0, 1)
	if len(es) != 1 || es[0].Kind != "code.fallback" || !strings.Contains(es[0].Detail, "from your network") {
		t.Errorf("newest audit event = %+v, want code.fallback saying why", es)
	}
}

// TestSendAddr: the address the cap counts is the client's, and an IPv6
// client's /64.
func TestSendAddr(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tt := range []struct{ peer, xff, want string }{
		{"198.51.100.7:5000", "", "198.51.100.7"},
		{"[2001:db8:1:2:3:4:5:6]:5000", "", "2001:db8:1:2::/64"},
		{"[::ffff:198.51.100.7]:5000", "", "198.51.100.7"},
		{"127.0.0.1:5000", "2001:db8:1:2::99", "2001:db8:1:2::/64"},
		{"198.51.100.7:5000", "203.0.113.1", "198.51.100.7"}, // an untrusted peer's header is ignored
	} {
		r := httptest.NewRequest(http.MethodPost, "/verify/send", nil)
		r.RemoteAddr = tt.peer
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := srv.SendAddrForTest(r); got != tt.want {
			t.Errorf("peer %s, X-Forwarded-For %q: got %q, want %q", tt.peer, tt.xff, got, tt.want)
		}
	}
}

// TestConversionAlarm: Maintain measures the conversion rate with the
// injected clock; 20 codes sent and none typed log an error line and
// write an audit event once, however often it runs within the hour.
func TestConversionAlarm(t *testing.T) {
	h := newWebhookHarness(t)
	ctx := context.Background()
	for i := range phonegate.ConversionMinSends {
		h.send(labelled(h, fmt.Sprintf("+1415%03d2671", 200+i), "Apollo"), "sms")
	}
	h.clock.Add(phonegate.ChallengeLife - time.Second)
	if err := h.srv.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.logs.String(), "conversion rate low") {
		t.Fatal("the alarm went before the challenges ended")
	}
	h.clock.Add(time.Second)
	for range 3 {
		if err := h.srv.Maintain(ctx); err != nil {
			t.Fatal(err)
		}
		h.clock.Add(5 * time.Minute)
	}
	var lines []string
	for _, l := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(l, "conversion rate low") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], `"level":"error"`) || !strings.Contains(lines[0], `"sent":20`) {
		t.Errorf("alarm log lines = %q, want one error line with the figures", lines)
	}
	es, err := h.db.SystemAuditEvents(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Kind != "send.conversion_low" || !strings.Contains(es[0].Detail, "0 of 20 codes") {
		t.Errorf("system audit events = %+v, want one send.conversion_low", es)
	}
}
