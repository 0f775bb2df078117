package handlers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/internal/teststore"
)

// Helpers of the webhook, send and dev phone tests.

const (
	whToken  = "wh0test0auth0token0000000000001" // the Twilio auth token of the webhook tests
	whPublic = "https://phonegate.example.com"   // the public URL Twilio is told about
	whPhone  = "+14155552671"                    // the phone being verified; the captured forms use it
	whOther  = "+14155550100"                    // another phone
	whCode   = "042917"                          // the code of every test challenge
)

// whHarness is a server outside dev mode with a recording sender, and a
// user who owns a project.
type whHarness struct {
	*harness
	sender  *recordingSender
	keys    *phonegate.Keys
	user    phonegate.User
	project phonegate.Project
	n       int
}

func newWebhookHarness(t *testing.T, opts ...harnessOption) *whHarness {
	t.Helper()
	sender := &recordingSender{}
	h := newHarness(t, append([]harnessOption{func(c *handlers.Config) {
		c.DevMode = false
		c.Sender = sender
		c.TwilioAuthToken = whToken
		c.PublicURL = whPublic
	}}, opts...)...)
	u, p := h.addUser("ada@example.com", "correct horse battery", "Apollo")
	// Apollo asks for the code: its log is where code events are written.
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	return &whHarness{harness: h, sender: sender, keys: testKeys(t), user: u, project: p}
}

// challenge stores a pending challenge of the user for phone, with the
// code whCode and reply code reply, made now and living ten minutes.
func (h *whHarness) challenge(phone, reply string) phonegate.Challenge {
	h.t.Helper()
	h.n++
	id := fmt.Sprintf("challenge-%d", h.n)
	now := h.clock.Now()
	c := phonegate.Challenge{
		ID:          id,
		UserID:      h.user.ID,
		SessionHash: phonegate.HashToken(id),
		Purpose:     phonegate.PurposeLogin,
		Label:       "Apollo",
		Phone:       phone,
		CodeMAC:     h.keys.CodeMAC(id, whCode),
		CodeSealed:  h.keys.Seal(id, whCode),
		ReplyMAC:    h.keys.ReplyMAC(phone, reply),
		CreatedAt:   now,
		ExpiresAt:   now.Add(10 * time.Minute),
	}
	if err := h.db.CreateChallenge(context.Background(), c); err != nil {
		h.t.Fatal(err)
	}
	return c
}

// send sends the challenge's code by channel through the server.
func (h *whHarness) send(c phonegate.Challenge, channel string) phonegate.Delivery {
	h.t.Helper()
	d, err := h.srv.SendCodeForTest(context.Background(), c, channel, false)
	if err != nil {
		h.t.Fatalf("send %s: %v", channel, err)
	}
	return d
}

// delivery returns a delivery as stored now.
func (h *whHarness) delivery(id string) phonegate.Delivery {
	h.t.Helper()
	d, err := h.db.Delivery(context.Background(), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return d
}

// auditKinds returns the kinds of the project's audit events, oldest
// first, but for the project's creation and its level set by the harness.
func (h *whHarness) auditKinds() []string {
	h.t.Helper()
	es, err := h.db.AuditEvents(context.Background(), h.project.ID, 0, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	var kinds []string
	for i := len(es) - 1; i >= 0; i-- {
		if es[i].Kind != "project.created" && es[i].Kind != "2fa.level" {
			kinds = append(kinds, es[i].Kind)
		}
	}
	return kinds
}

// whForm reads a captured webhook body from testdata/twilio and sets the
// given fields on it: name, value, name, value...
func whForm(t testing.TB, name string, set ...string) url.Values {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "twilio", name+".form"))
	if err != nil {
		t.Fatal(err)
	}
	form, err := url.ParseQuery(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i := 0; i+1 < len(set); i += 2 {
		form.Set(set[i], set[i+1])
	}
	return form
}

// twilioSign signs a webhook request as Twilio does, written here from
// Twilio's description rather than taken from the server: HMAC-SHA1 of
// the full URL followed by each parameter's name and value, sorted by
// name (a repeated name once per distinct value, sorted), in base64.
func twilioSign(token, fullURL string, form url.Values) string {
	var sb strings.Builder
	sb.WriteString(fullURL)
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		vs := append([]string(nil), form[k]...)
		sort.Strings(vs)
		for i, v := range vs {
			if i > 0 && vs[i-1] == v {
				continue
			}
			sb.WriteString(k + v)
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(sb.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// twilio posts form to path (with its query) signed as Twilio signs it.
func (h *whHarness) twilio(path string, form url.Values) (*http.Response, string) {
	h.t.Helper()
	return h.twilioSig(path, form, twilioSign(whToken, whPublic+path, form))
}

// twilioSig posts form to path with the given signature ("" for none).
func (h *whHarness) twilioSig(path string, form url.Values, sig string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.http.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// dump returns every row of every table of the store as text, so that a
// test can tell that a request changed nothing at all.
func dump(t *testing.T, db *testDB) string {
	t.Helper()
	return teststore.Dump(t, db.Store)
}

// hmacSHA1Base64 is the signature of data under token.
func hmacSHA1Base64(token, data string) string {
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}
