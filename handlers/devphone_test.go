package handlers_test

import (
	"bytes"
	"context"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/internal/teststore"
)

// newDevPhoneHarness is a dev mode server (no Sender, no auth token: the
// dev phone plays Twilio) listening at its own public URL, so that the dev
// phone's requests to the webhooks reach it.
func newDevPhoneHarness(t *testing.T) *whHarness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *handlers.Config) {
		c.DevMode = true
		c.Sender = nil
		c.TwilioAuthToken = ""
		c.PublicURL = "http://" + ln.Addr().String()
	})
	srv := httptest.NewUnstartedServer(h.srv)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	h.http = srv
	u, p := h.addUser("ada@example.com", "correct horse battery", "Apollo")
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &whHarness{harness: h, keys: keys, user: u, project: p}
}

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 250 {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

var (
	devStatusEntryRE = regexp.MustCompile(`action="/dev/phone/status"[^>]*>\s*<input[^>]*>\s*<input type="hidden" name="entry" value="(\d+)">`)
	devAnswerEntryRE = regexp.MustCompile(`action="/dev/phone/answer"[^>]*>\s*<input[^>]*>\s*<input type="hidden" name="entry" value="(\d+)">`)
	devGatherRE      = regexp.MustCompile(`name="action" value="([^"]+)"`)
)

// TestDevPhone uses the dev phone as a developer would: a code sent by SMS
// shows up on /dev/phone; "Undelivered" goes through the signed status
// webhook, which places the automatic call through the dev phone; the call
// is answered and a key pressed through the voice webhooks; texts go in
// through the inbound webhook.
func TestDevPhone(t *testing.T) {
	h := newDevPhoneHarness(t)
	ctx := context.Background()
	c := h.challenge(whPhone, "K7Q4M")
	sms := h.send(c, "sms")
	if !strings.HasPrefix(sms.SID, "SMdev") || len(sms.SID) != 34 {
		t.Errorf("dev phone SID = %q, want SMdev… of 34 characters", sms.SID)
	}
	// Twilio's first callbacks come in the background, through the webhook.
	waitFor(t, "the sent callback", func() bool { return h.delivery(sms.ID).Status == "sent" })

	b := h.browser()
	b.login("ada@example.com", "correct horse battery") // the dev phone answers a session only
	res, body := b.get("/dev/phone")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /dev/phone: %d", res.StatusCode)
	}
	for _, want := range []string{"Your phonegate code is 042917 for Apollo.", whPhone, "Sent", "Undelivered (30003)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the dev phone does not show %q", want)
		}
	}
	m := devStatusEntryRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no status buttons on the page:\n%s", body)
	}
	res, _ = b.post("/dev/phone/status", url.Values{"entry": {m[1]}, "status": {"undelivered"}})
	expectRedirect(t, res, "/dev/phone?done=status")
	if got := h.delivery(sms.ID); got.Status != "undelivered" || got.ErrorCode != 30003 {
		t.Errorf("after Undelivered: %s (%d), want undelivered (30003)", got.Status, got.ErrorCode)
	}

	// The automatic call went out through the dev phone.
	ds, _ := h.db.Deliveries(ctx, c.ID)
	if len(ds) != 2 || ds[1].Channel != "call" {
		t.Fatalf("deliveries = %+v, want the SMS and the automatic call", ds)
	}
	call := ds[1]
	waitFor(t, "the ringing callback", func() bool { return h.delivery(call.ID).Status == "ringing" })
	_, body = b.get("/dev/phone?done=status")
	if !strings.Contains(body, "Status callback sent") || !strings.Contains(body, "Not delivered: the phone is off") {
		t.Errorf("the page does not show the callback's outcome")
	}
	m = devAnswerEntryRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no Answer button:\n%s", body)
	}
	callEntry := m[1]

	res, body = b.post("/dev/phone/answer", url.Values{"entry": {callEntry}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Press any key to hear your code.") {
		t.Fatalf("Answer: %d\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, "0 4 2 9 1 7") {
		t.Error("the gate reads the code")
	}
	if got := h.delivery(call.ID).Status; got != "in-progress" {
		t.Errorf("call after Answer = %s, want in-progress", got)
	}
	m = devGatherRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no keypad:\n%s", body)
	}
	res, body = b.post("/dev/phone/press", url.Values{"entry": {callEntry}, "action": {html.UnescapeString(m[1])}, "digits": {"5"}})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Your code is") || !strings.Contains(body, "0 4 2 9 1 7") {
		t.Fatalf("a key: %d\n%s", res.StatusCode, body)
	}
	if m = devGatherRE.FindStringSubmatch(body); m == nil || !strings.HasSuffix(html.UnescapeString(m[1]), "&r=2") {
		t.Errorf("the keypad after the code goes to %v, want round 2", m)
	}
	res, _ = b.post("/dev/phone/press", url.Values{"entry": {callEntry}, "action": {"http://elsewhere.example/"}, "digits": {"1"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("a key sent elsewhere: %d, want 400", res.StatusCode)
	}
	res, _ = b.post("/dev/phone/status", url.Values{"entry": {callEntry}, "status": {"completed"}})
	expectRedirect(t, res, "/dev/phone")
	if got := h.delivery(call.ID).Status; got != "completed" {
		t.Errorf("call after Completed = %s", got)
	}

	// Texts to the Twilio number.
	res, _ = b.post("/dev/phone/sms", url.Values{"from": {whPhone}, "quick": {"HELP"}})
	expectRedirect(t, res, "/dev/phone?done=sms")
	if _, body = b.get("/dev/phone"); !strings.Contains(body, replyHelpText) {
		t.Error("the HELP reply is not on the dev phone")
	}
	b.post("/dev/phone/sms", url.Values{"from": {whPhone}, "text": {"k7q4m"}})
	if got, _ := h.db.Challenge(ctx, c.ID); got.State != phonegate.ChallengeApproved {
		t.Errorf("challenge after the reply code = %s, want approved", got.State)
	}
	b.post("/dev/phone/sms", url.Values{"from": {whPhone}, "quick": {"STOP"}, "text": {"ignored"}})
	if out, _ := h.db.OptedOut(ctx, whPhone); !out {
		t.Error("STOP from the dev phone did not opt the number out")
	}

	// Buttons need the CSRF token.
	res, _ = b.post("/dev/phone/status", url.Values{"entry": {callEntry}, "status": {"busy"}, "csrf_token": {"forged"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d, want 403", res.StatusCode)
	}

	// The store holds no readable code, dev mode or not.
	if bytes.Contains(teststore.AtRest(t, h.db.Store), []byte(whCode)) {
		t.Error("the store holds the code")
	}
	if strings.Contains(h.logs.String(), whCode) {
		t.Error("the logs hold the code")
	}
}

// TestDevPhoneOnlyInDevMode: outside dev mode there is no dev phone.
func TestDevPhoneOnlyInDevMode(t *testing.T) {
	h := newWebhookHarness(t)
	b := h.browser()
	for _, path := range []string{"/dev/phone"} {
		if res, _ := b.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s outside dev mode: %d, want 404", path, res.StatusCode)
		}
	}
	b.get("/login")
	if res, _ := b.post("/dev/phone/sms", url.Values{"from": {whPhone}, "quick": {"STOP"}}); res.StatusCode != http.StatusNotFound &&
		res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /dev/phone/sms outside dev mode: %d", res.StatusCode)
	}
}
