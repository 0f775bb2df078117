package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// appURL is a page of an app behind the gate, whose host is protected by
// the test's project (plain http is followed: the harness serves the gate
// over http).
const appURL = "http://app.example.com/dash?tab=1"

// protectID makes host a protected site of projectID, as if its owner
// had added it.
func (h *harness) protectID(projectID, ownerID int64, host string) {
	h.t.Helper()
	if err := h.db.AddSite(context.Background(), host, projectID, ownerID, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
}

// withReturn is form with next set, as the page's hidden field sends it.
func withReturn(form url.Values, next string) url.Values {
	form.Set("next", next)
	return form
}

// expectAt fails unless res is a 303 to exactly loc.
func expectAt(t *testing.T, res *http.Response, loc string) {
	t.Helper()
	if got := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || got != loc {
		t.Fatalf("%s %s: got %d to %q, want 303 to %q", res.Request.Method, res.Request.URL, res.StatusCode, got, loc)
	}
}

// loginAt opens the login page with rd, as the forward-auth check sends
// the browser to it, and checks that the page carries rd on (or "/", for
// an rd that is not followed); then it posts the password.
func loginAt(t *testing.T, b *browser, rd, carried, email, password string) *http.Response {
	t.Helper()
	res, body := b.get("/login?rd=" + url.QueryEscape(rd))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login?rd=: got %d", res.StatusCode)
	}
	if want := `name="next" value="` + html.EscapeString(carried) + `"`; !strings.Contains(body, want) {
		t.Fatalf("the login page does not carry %q on:\n%s", want, body)
	}
	res, _ = b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {carried}})
	return res
}

// TestReturnAfterPassword: with the level off, the password ends at the
// protected app; an rd to any other host ends at "/" as a login does
// today, and the login page's forms may end only at the protected app.
func TestReturnAfterPassword(t *testing.T) {
	h := newHarness(t)
	u, p := h.addUser("ada@example.com", "correct horse battery", "Apollo")
	h.protectID(p.ID, u.ID, "app.example.com")
	for _, tt := range []struct {
		name, rd, carried, to string
	}{
		{"protected site", appURL, appURL, appURL},
		{"unprotected host", "http://evil.example.com/dash", "/", "/"},
		{"look-alike", "http://app.example.com.evil.example/", "/", "/"},
		{"scheme-relative", "//evil.example/", "/", "/"},
		{"userinfo", "http://ada@app.example.com/", "/", "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := h.browser()
			res := loginAt(t, b, tt.rd, tt.carried, "ada@example.com", "correct horse battery")
			expectAt(t, res, tt.to)
		})
	}
	t.Run("form-action", func(t *testing.T) {
		res, _ := h.browser().get("/login?rd=" + url.QueryEscape(appURL))
		if got, want := res.Header.Get("Content-Security-Policy"), "form-action 'self' http://app.example.com;"; !strings.Contains(got, want) {
			t.Errorf("CSP = %q, want it to hold %q", got, want)
		}
		res, _ = h.browser().get("/login?rd=" + url.QueryEscape("http://evil.example.com/"))
		if got, want := res.Header.Get("Content-Security-Policy"), "form-action 'self';"; !strings.Contains(got, want) {
			t.Errorf("CSP = %q, want it to hold %q", got, want)
		}
	})
	t.Run("logged in already", func(t *testing.T) {
		b := h.browser()
		b.login("ada@example.com", "correct horse battery")
		res, _ := b.get("/login?rd=" + url.QueryEscape(appURL))
		expectAt(t, res, appURL)
	})
}

// TestReturnAfterCode: with the level on, rd goes through the code page,
// a send, a wrong code and a resend, and the right code ends at the app.
func TestReturnAfterCode(t *testing.T) {
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", "correct horse battery", "Apollo")
	h.protectID(p.ID, u.ID, "app.example.com")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	first := h.browser()
	first.login("ada@example.com", "correct horse battery")
	h.enroll(first, testPhone)

	b := h.browser()
	verify := "/verify?next=" + url.QueryEscape(appURL)
	expectAt(t, loginAt(t, b, appURL, appURL, "ada@example.com", "correct horse battery"), verify)
	if res, body := b.get(verify); res.StatusCode != http.StatusOK || !strings.Contains(body, `name="next" value="`+html.EscapeString(appURL)+`"`) {
		t.Fatalf("GET %s: got %d, without next:\n%s", verify, res.StatusCode, body)
	}
	res, _ := b.post("/verify/send", withReturn(url.Values{"channel": {"sms"}}, appURL))
	expectAt(t, res, verify)
	res, _ = b.post("/verify", withReturn(url.Values{"code": {"000000"}}, appURL))
	expectAt(t, res, verify)
	h.clock.Add(phonegate.SendCooldown)
	b.get(verify)
	res, _ = b.post("/verify/send", withReturn(url.Values{"channel": {"call"}}, appURL))
	expectAt(t, res, verify)
	res, _ = b.post("/verify/send", withReturn(url.Values{"channel": {"sms"}}, appURL))
	expectAt(t, res, verify)
	h.clock.Add(phonegate.SendCooldown)
	res, _ = b.post("/verify/send", withReturn(url.Values{"channel": {"sms"}}, appURL))
	expectAt(t, res, verify)
	res, _ = b.post("/verify", withReturn(url.Values{"code": {h.sender.lastCode(t)}}, appURL))
	expectAt(t, res, appURL)
}

// TestReturnAfterEnrollment: a first login with rd goes through the phone
// page and its code to the emergency code, whose link goes on to the app.
func TestReturnAfterEnrollment(t *testing.T) {
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", "correct horse battery", "Apollo")
	h.protectID(p.ID, u.ID, "app.example.com")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	q := "?next=" + url.QueryEscape(appURL)
	expectAt(t, loginAt(t, b, appURL, appURL, "ada@example.com", "correct horse battery"), "/phone"+q)
	b.get("/phone" + q)
	res, _ := b.post("/phone", withReturn(url.Values{"country": {"US"}, "phone": {"not a number"}, "channel": {"sms"}}, appURL))
	expectAt(t, res, "/phone"+q)
	b.get("/phone" + q)
	res, _ = b.post("/phone", withReturn(url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}}, appURL))
	expectAt(t, res, "/verify"+q)
	b.get("/verify" + q)
	res, _ = b.post("/verify", withReturn(url.Values{"code": {h.sender.lastCode(t)}}, appURL))
	expectAt(t, res, "/phone/done"+q)
	_, body := b.get("/phone/done" + q)
	link := "/login" + q
	if !strings.Contains(body, `href="`+html.EscapeString(link)+`"`) {
		t.Fatalf("the emergency code page does not link to %s:\n%s", link, body)
	}
	res, _ = b.get(link)
	expectAt(t, res, appURL)
}
