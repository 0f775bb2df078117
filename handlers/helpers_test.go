package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// Shared helpers of the two-factor tests. Keep them small and stable:
// other test files use them.

// testPhone is a US number that takes text messages; testPhone2 another.
const (
	testPhone  = "+14155552671"
	testPhone2 = "+16502530000"
)

// recordingSender is a phonegate.Sender that records what it is asked to
// send. It never fails unless failSMS or failCall is set.
type recordingSender struct {
	mu       sync.Mutex
	sms      []phonegate.SMS
	calls    []phonegate.Call
	failSMS  error
	failCall error
}

func (f *recordingSender) SendSMS(_ context.Context, m phonegate.SMS) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failSMS != nil {
		return "", f.failSMS
	}
	f.sms = append(f.sms, m)
	return fmt.Sprintf("SM%032d", len(f.sms)), nil
}

func (f *recordingSender) PlaceCall(_ context.Context, c phonegate.Call) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failCall != nil {
		return "", f.failCall
	}
	f.calls = append(f.calls, c)
	return fmt.Sprintf("CA%032d", len(f.calls)), nil
}

// sent returns copies of what was sent.
func (f *recordingSender) sent() ([]phonegate.SMS, []phonegate.Call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]phonegate.SMS(nil), f.sms...), append([]phonegate.Call(nil), f.calls...)
}

func (f *recordingSender) counts() (sms, calls int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.sms), len(f.calls)
}

// lastTo returns the number the last text message went to.
func (f *recordingSender) lastTo() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sms) == 0 {
		return ""
	}
	return f.sms[len(f.sms)-1].To
}

var smsCodeRE = regexp.MustCompile(`\b(\d{6})\b`)

// lastCode returns the code of the last text message, failing the test
// when there is none.
func (f *recordingSender) lastCode(t *testing.T) string {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sms) == 0 {
		t.Fatal("no text message was sent")
	}
	m := smsCodeRE.FindStringSubmatch(f.sms[len(f.sms)-1].Body)
	if m == nil {
		t.Fatalf("no code in the text message %q", f.sms[len(f.sms)-1].Body)
	}
	return m[1]
}

// withSender runs the server outside dev mode with sender in Twilio's place.
func withSender(sender phonegate.Sender) harnessOption {
	return func(c *handlers.Config) {
		c.DevMode = false
		c.Sender = sender
		c.TwilioAuthToken = "test-auth-token"
	}
}

// testKeys are the harness's server keys, to read a sealed code as the
// voice webhook would.
func testKeys(tb testing.TB) *phonegate.Keys {
	tb.Helper()
	k, err := phonegate.NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

// twoFactor is a harness with a recording sender.
type twoFactor struct {
	*harness
	sender *recordingSender
}

func newTwoFactor(t *testing.T, opts ...harnessOption) *twoFactor {
	t.Helper()
	sender := &recordingSender{}
	return &twoFactor{harness: newHarness(t, append([]harnessOption{withSender(sender)}, opts...)...), sender: sender}
}

// setLevel sets a project's two-factor level directly in the store.
func (h *harness) setLevel(projectID int64, level phonegate.Level) {
	h.t.Helper()
	if _, err := h.db.SetMFALevel(context.Background(), projectID, 0, string(level), h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// expectRedirect fails unless res is a 303 to a path that starts with prefix.
func expectRedirect(t *testing.T, res *http.Response, prefix string) string {
	t.Helper()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("%s %s: got %d to %q, want 303 to %s...", res.Request.Method, res.Request.URL.Path, res.StatusCode, loc, prefix)
	}
	return loc
}

var emergencyRE = regexp.MustCompile(`id="emergency-code">([^<]+)<`)

// enroll verifies phone by SMS for a browser whose user has none, through
// the pages, and returns the emergency code shown at the end.
func (h *twoFactor) enroll(b *browser, phone string) string {
	h.t.Helper()
	b.get("/phone")
	res, body := b.post("/phone", url.Values{"country": {"US"}, "phone": {phone}, "channel": {"sms"}})
	if res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("POST /phone: got %d\n%s", res.StatusCode, body)
	}
	b.get("/verify")
	res, body = b.post("/verify", url.Values{"code": {h.sender.lastCode(h.t)}})
	loc := expectRedirect(h.t, res, "/phone/done")
	_, body = b.get(loc)
	m := emergencyRE.FindStringSubmatch(body)
	if m == nil {
		h.t.Fatalf("no emergency code on %s:\n%s", loc, body)
	}
	return m[1]
}

// passCode asks for a code by SMS on the code page and types it.
func (h *twoFactor) passCode(b *browser) *http.Response {
	h.t.Helper()
	b.get("/verify")
	if res, body := b.post("/verify/send", url.Values{"channel": {"sms"}}); res.StatusCode != http.StatusSeeOther {
		h.t.Fatalf("POST /verify/send: got %d\n%s", res.StatusCode, body)
	}
	b.get("/verify")
	res, _ := b.post("/verify", url.Values{"code": {h.sender.lastCode(h.t)}})
	return res
}

// sessionChallenge returns the newest challenge of the browser's session.
func (h *harness) sessionChallenge(b *browser) phonegate.Challenge {
	h.t.Helper()
	c := b.cookie("phonegate_session")
	if c == nil {
		h.t.Fatal("the browser has no session")
	}
	ch, err := h.db.SessionChallenge(context.Background(), phonegate.HashToken(c.Value))
	if err != nil {
		h.t.Fatal(err)
	}
	return ch
}
