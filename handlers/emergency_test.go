package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/phonegate/phonegate"
)

func TestEmergencyCodeShownOnce(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	b.post("/phone", url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}})
	b.get("/verify")
	res, _ := b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}})
	expectRedirect(t, res, "/phone/done")

	// Until it is shown, every page leads to it.
	if res, _ := b.get("/account"); res.Header.Get("Location") != "/phone/done" {
		t.Errorf("GET /account before the code was shown: got %d to %q, want /phone/done", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get("/phone/done")
	code := regexpFind(t, `id="emergency-code">([^<]+)<`, body)
	if len(code) != 19 || strings.Count(code, "-") != 3 {
		t.Errorf("emergency code %q is not XXXX-XXXX-XXXX-XXXX", code)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if !strings.Contains(body, "I have saved it") {
		t.Error("no way to go on from the emergency code")
	}
	res, body = b.get("/phone/done")
	if res.StatusCode != http.StatusOK || strings.Contains(body, code) || strings.Contains(body, `id="emergency-code"`) {
		t.Errorf("the emergency code was shown a second time:\n%s", body)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("GET / after the emergency code: got %d", res.StatusCode)
	}
	u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
	if !strings.HasPrefix(u.EmergencyHash, "$argon2id$") || strings.Contains(u.EmergencyHash, code) {
		t.Errorf("emergency code stored as %q, want an Argon2id hash", u.EmergencyHash)
	}
}

func TestEmergencyCodeUse(t *testing.T) {
	h, _, _ := trustedBrowser(t, phonegate.LevelEveryLogin)
	u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
	emergency := ""
	// trustedBrowser threw the code away: make one we know.
	{
		b := h.browser()
		b.login("ada@example.com", goodPassword)
		h.passCode(b)
		b.get("/account")
		if res, _ := b.post("/account/emergency", url.Values{"password": {goodPassword}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("regenerate: got %d", res.StatusCode)
		}
		_, body := b.get("/phone/done?next=%2Faccount")
		emergency = regexpFind(t, `id="emergency-code">([^<]+)<`, body)
	}

	b := h.pending()
	b.get("/verify")
	// Typed in lower case with spaces, as people do.
	typed := strings.ToLower(strings.ReplaceAll(emergency, "-", " "))
	res, _ := b.post("/verify/emergency", url.Values{"emergency_code": {typed}})
	expectRedirect(t, res, "/phone")
	if res, _ := b.get("/"); !strings.HasPrefix(res.Header.Get("Location"), "/phone") {
		t.Errorf("after the emergency code, GET / goes to %q, want /phone", res.Header.Get("Location"))
	}
	got, _ := h.db.User(context.Background(), u.ID)
	if got.PhoneVerified || got.EmergencyHash != "" {
		t.Errorf("after use: phone verified %v, emergency hash %q", got.PhoneVerified, got.EmergencyHash)
	}
	if tcs, _ := h.db.TrustedComputers(context.Background(), u.ID); len(tcs) != 0 {
		t.Errorf("%d trusted computers survive the emergency code", len(tcs))
	}

	// Verifying a phone again gives a new emergency code.
	fresh := h.enroll(b, testPhone2)
	if fresh == emergency {
		t.Error("the new emergency code is the old one")
	}

	// The old code works no more.
	b2 := h.pending()
	b2.get("/verify")
	res, body := b2.submit("/verify/emergency", url.Values{"emergency_code": {emergency}})
	if res.Request.URL.Path != "/verify" || !strings.Contains(body, "That emergency code is not valid.") {
		t.Errorf("the used emergency code again: got %s\n%s", res.Request.URL, body)
	}
}

// TestEmergencyCodeConcurrent uses the emergency code from 20 sessions at
// once: exactly one gets in. The others are refused: the code was used
// (303 back to the code page), or the use ended their session, which
// passed only the password, before they were served (403: the form's
// session is gone).
func TestEmergencyCodeConcurrent(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	emergency := h.enroll(func() *browser { b := h.browser(); b.login("ada@example.com", goodPassword); return b }(), testPhone)

	type attempt struct{ cookie, csrf string }
	var attempts []attempt
	for range 20 {
		b := h.pending()
		b.get("/verify")
		attempts = append(attempts, attempt{b.cookie("phonegate_session").Value, b.csrf})
	}
	var mu sync.Mutex
	outcomes := map[int]int{}
	var wg sync.WaitGroup
	for _, a := range attempts {
		wg.Go(func() {
			form := url.Values{"emergency_code": {emergency}, "csrf_token": {a.csrf}}
			req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/verify/emergency", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "phonegate_session", Value: a.cookie})
			res, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			outcome := res.StatusCode
			if outcome == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/phone") {
				outcome = http.StatusUnauthorized // back to the code page: refused
			}
			mu.Lock()
			outcomes[outcome]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if outcomes[http.StatusSeeOther] != 1 || outcomes[http.StatusUnauthorized]+outcomes[http.StatusForbidden] != 19 {
		t.Errorf("outcomes of 20 concurrent uses: %v; want one 303 to /phone and nineteen refused (back to /verify, or 403)", outcomes)
	}
}

func TestWrongEmergencyCodesLock(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	emergency := h.enroll(b, testPhone)

	b = h.pending()
	b.get("/verify")
	for i := range 10 {
		_, body := b.submit("/verify/emergency", url.Values{"emergency_code": {"AAAA-BBBB-CCCC-DDDD"}})
		if want := "That emergency code is not valid."; i < 9 && !strings.Contains(body, want) {
			t.Fatalf("wrong emergency code %d: the page does not say %q", i+1, want)
		}
	}
	res, body := b.submit("/verify/emergency", url.Values{"emergency_code": {emergency}})
	if res.Request.URL.Path != "/verify" || !strings.Contains(body, msgLocked) {
		t.Errorf("right emergency code while locked: at %s, want the code page with the lock notice\n%s", res.Request.URL, body)
	}
	if strings.Contains(body, "That emergency code is not valid.") || strings.Contains(body, `action="/verify/emergency"`) {
		t.Errorf("while locked the page says more than the lock, or offers the emergency code:\n%s", body)
	}
}
