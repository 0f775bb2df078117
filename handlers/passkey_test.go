package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/internal/softkey"
)

// passkeyOrigin is the public URL of the passkey tests' server: a name,
// since browsers refuse an IP address as a passkey's relying party.
const passkeyOrigin = "http://localhost:8080"

func atLocalhost(c *handlers.Config) { c.PublicURL = passkeyOrigin }

// withPasskey is ada of project Engine at LevelEveryLogin, her phone
// verified, in browser b where she added a passkey named "Laptop" made by
// key, a software authenticator.
func withPasskey(t *testing.T) (h *twoFactor, b *browser, key *softkey.Authenticator, projectID int64) {
	t.Helper()
	return withPasskeyAt(t, phonegate.LevelEveryLogin)
}

// withPasskeyAt is withPasskey with project Engine at level.
func withPasskeyAt(t *testing.T, level phonegate.Level) (h *twoFactor, b *browser, key *softkey.Authenticator, projectID int64) {
	t.Helper()
	h = newTwoFactor(t, atLocalhost)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, level)
	b = h.browser()
	b.login("ada@example.com", goodPassword)
	h.enroll(b, testPhone)
	key = softkey.New(passkeyOrigin)
	res, body := addPasskey(t, b, key, "Laptop", goodPassword)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding a passkey: got %d %s", res.StatusCode, body)
	}
	if loc := expectRedirect(t, res, "/account"); loc != "/account" {
		t.Fatalf("adding a passkey went to %q", loc)
	}
	return h, b, key, p.ID
}

// addPasskey adds a passkey made by key on the account page of b, as
// passkey.js does: the options, then the browser's answer in the form.
// When the options are refused it returns their answer.
func addPasskey(t *testing.T, b *browser, key *softkey.Authenticator, name, password string) (*http.Response, string) {
	t.Helper()
	b.get("/account")
	res, body := b.post("/account/passkey/options", url.Values{"name": {name}, "password": {password}})
	if res.StatusCode != http.StatusOK {
		return res, body
	}
	answer, err := key.Create([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return b.post("/account/passkey", url.Values{"credential": {string(answer)}})
}

// passkeyLogin asks the code page of b for a login's options, and answers
// them with key.
func passkeyLogin(t *testing.T, b *browser, key *softkey.Authenticator) *http.Response {
	t.Helper()
	b.get("/verify")
	res, body := b.post("/verify/passkey/options", url.Values{})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login options: got %d %s", res.StatusCode, body)
	}
	answer, err := key.Get([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	res, _ = b.post("/verify/passkey", url.Values{"credential": {string(answer)}})
	return res
}

// TestPasskeyAdd: a passkey is added after the password only, listed on
// the account page with its name, and removed after the password.
func TestPasskeyAdd(t *testing.T) {
	h, b, _, projectID := withPasskey(t)
	ctx := context.Background()
	u, _ := h.db.UserByEmail(ctx, "ada@example.com")

	res, body := addPasskey(t, b, softkey.New(passkeyOrigin), "Phone", "wrong password here")
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "password is not right") {
		t.Errorf("options after a wrong password: got %d %s, want 400 saying so", res.StatusCode, body)
	}
	res, body = addPasskey(t, b, softkey.New(passkeyOrigin), "", goodPassword)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "name") {
		t.Errorf("options without a name: got %d %s, want 400 asking for one", res.StatusCode, body)
	}
	// An answer without a challenge of this session's adds nothing.
	res, _ = b.post("/account/passkey", url.Values{"credential": {`{"id":"x"}`}})
	expectRedirect(t, res, "/account")
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 1 {
		t.Fatalf("factors after refusals: got %d, want the one passkey", len(fs))
	}

	res, body = b.get("/account")
	// The script is the gate's own file, which the pages' policy allows,
	// and no inline script is needed.
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
		t.Errorf("Content-Security-Policy: %q, want script-src 'self' and nothing unsafe", csp)
	}
	for _, want := range []string{`class="factor-passkey"`, "Laptop", `id="passkey-form"`, `src="/static/passkey.js"`} {
		if !strings.Contains(body, want) {
			t.Errorf("account page: no %q", want)
		}
	}
	fs, _ := h.db.Factors(ctx, u.ID)
	id := strconvFormat(fs[0].ID)
	res, _ = b.post("/account/factors/remove", url.Values{"factor": {id}, "password": {"wrong password here"}})
	expectRedirect(t, res, "/account")
	res, _ = b.post("/account/factors/remove", url.Values{"factor": {id}, "password": {goodPassword}})
	expectRedirect(t, res, "/account")
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 0 {
		t.Errorf("after removal: got %d factors, want 0", len(fs))
	}
	for _, kind := range []string{"factor.added", "factor.removed"} {
		if got := h.auditCount(projectID, kind); got != 1 {
			t.Errorf("audit %s: got %d, want 1", kind, got)
		}
	}
}

// TestPasskeyLoginPage: with a passkey, the code page offers it first and
// sends nothing by itself; the passkey logs in; its use is remembered.
func TestPasskeyLoginPage(t *testing.T) {
	h, _, key, projectID := withPasskey(t)
	smsBefore, _ := h.sender.counts()
	passedBefore := h.auditCount(projectID, "2fa.passed")
	b := h.pending()
	_, body := b.get("/verify")
	// Hidden until passkey.js finds WebAuthn: without it the page offers
	// the phone's code and the emergency code as before.
	if !strings.Contains(body, `<section id="passkey-login" class="passkey" hidden>`) || !strings.Contains(body, `id="send"`) {
		t.Errorf("code page: want the passkey hidden until the script shows it, and the sends offered:\n%s", body)
	}
	first := strings.Index(body, `id="passkey-login"`)
	code := strings.Index(body, `id="code-state"`)
	if first < 0 || code < 0 || first > code {
		t.Errorf("code page: want the passkey offered before the phone's code:\n%s", body)
	}
	if sms, _ := h.sender.counts(); sms != smsBefore {
		t.Errorf("the code page sent %d SMS by itself", sms-smsBefore)
	}
	res := passkeyLogin(t, b, key)
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || strings.HasPrefix(loc, "/verify") {
		t.Fatalf("passkey login: got %d to %q, want on past the code page", res.StatusCode, loc)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("projects after the passkey: got %d, want 200", res.StatusCode)
	}
	if got, want := h.auditCount(projectID, "2fa.passed"), passedBefore+1; got != want {
		t.Errorf("2fa.passed events: got %d, want %d", got, want)
	}
}

// TestPasskeyRefusalsCount: an answer that does not check out goes back
// to the code page and counts toward the lock; once locked, options are
// refused with a reload and the page offers no passkey.
func TestPasskeyRefusalsCount(t *testing.T) {
	h, _, key, _ := withPasskey(t)
	b := h.pending()
	forger := softkey.New(passkeyOrigin)
	forger.Create([]byte(`{"publicKey":{"challenge":"AAAA","rp":{"id":"localhost"},"user":{"id":"MQ"}}}`))
	for i := range phonegate.MaxMFAFailures {
		b.get("/verify")
		_, body := b.post("/verify/passkey/options", url.Values{})
		var o struct {
			PublicKey struct {
				Challenge string `json:"challenge"`
			} `json:"publicKey"`
		}
		if err := json.Unmarshal([]byte(body), &o); err != nil {
			t.Fatalf("options %d: %s", i+1, body)
		}
		fake := *forger.Credentials()[0]
		fake.ID = key.Credentials()[0].ID
		answer, _ := forger.Sign(&fake, o.PublicKey.Challenge)
		res, _ := b.post("/verify/passkey", url.Values{"credential": {string(answer)}})
		expectRedirect(t, res, "/verify")
	}
	res, body := b.post("/verify/passkey/options", url.Values{})
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `"reload":true`) {
		t.Errorf("options while locked: got %d %s, want 429 and a reload", res.StatusCode, body)
	}
	if _, body := b.get("/verify"); strings.Contains(body, `id="passkey-login"`) {
		t.Error("the locked code page offers the passkey")
	}
}

// TestPasskeysOffByIP: a server reached by an IP address offers no
// passkey form, and refuses its options in words.
func TestPasskeysOffByIP(t *testing.T) {
	_, b, _ := trustedBrowser(t, phonegate.LevelEveryLogin)
	if _, body := b.get("/account"); strings.Contains(body, `id="passkey-form"`) {
		t.Error("the account page offers passkeys on an IP address")
	}
	res, body := b.post("/account/passkey/options", url.Values{"name": {"Laptop"}, "password": {goodPassword}})
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "IP address") {
		t.Errorf("options on an IP address: got %d %s, want 409 saying why", res.StatusCode, body)
	}
}

// TestPasskeyRemembersLastWay: the code page offers first the way the
// user last passed with (a passkey, the app, or the phone's code), the
// others after it strongest first; the emergency code stays offered.
func TestPasskeyRemembersLastWay(t *testing.T) {
	h, b, key, _ := withPasskey(t)
	secret := h.addApp(b)
	order := func(name string) {
		t.Helper()
		p := h.pending()
		_, body := p.get("/verify")
		at := func(s string) int {
			i := strings.Index(body, s)
			if i < 0 {
				t.Fatalf("%s: the code page has no %s:\n%s", name, s, body)
			}
			return i
		}
		if !strings.Contains(body, `action="/verify/emergency"`) {
			t.Errorf("%s: no emergency code form", name)
		}
		key, app, send := at(`id="passkey-login"`), at(`id="app-code-form"`), at(`id="send"`)
		var ok bool
		switch name {
		case "passkey":
			ok = key < app && app < send
		case "app":
			ok = app < key && key < send
		case "sms":
			ok = send < key && key < app
		}
		if !ok {
			t.Errorf("after a pass by %s: passkey at %d, app at %d, send at %d", name, key, app, send)
		}
	}
	order("passkey") // both were added since the last pass: the passkey first

	h.clock.Add(phonegate.TOTPPeriod)
	if res := typeApp(h.pending(), phonegate.TOTPCode(secret, h.clock.Now())); strings.HasPrefix(res.Header.Get("Location"), "/verify") {
		t.Fatalf("app code: went to %s", res.Header.Get("Location"))
	}
	order("app")

	h.clock.Add(phonegate.TOTPPeriod)
	if res := h.passCode(h.pending()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code: got %d", res.StatusCode)
	}
	order("sms")

	h.clock.Add(phonegate.TOTPPeriod)
	if res := passkeyLogin(t, h.pending(), key); strings.HasPrefix(res.Header.Get("Location"), "/verify") {
		t.Fatalf("passkey: went to %s", res.Header.Get("Location"))
	}
	order("passkey")
}

// TestPasskeyTrust: a pass by passkey trusts the computer where a
// project's level allows it, as a code does, and not at every login.
func TestPasskeyTrust(t *testing.T) {
	for _, tt := range []struct {
		level   phonegate.Level
		trusted bool
	}{{phonegate.LevelPerComputer, true}, {phonegate.LevelEveryLogin, false}} {
		t.Run(string(tt.level), func(t *testing.T) {
			h, _, key, _ := withPasskeyAt(t, tt.level)
			b := h.pending()
			if res := passkeyLogin(t, b, key); strings.HasPrefix(res.Header.Get("Location"), "/verify") {
				t.Fatalf("passkey login: went to %s", res.Header.Get("Location"))
			}
			if got := relogin(t, b); got != tt.trusted {
				t.Errorf("the next login skipped the second factor: %v, want %v", got, tt.trusted)
			}
		})
	}
}
