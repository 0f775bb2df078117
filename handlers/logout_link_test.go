package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// evilReturns are "return to" values that must never be followed: other
// hosts, look-alikes, and what a browser could read otherwise than the
// gate (backslashes, tabs, userinfo, percent-encoding, other schemes).
var evilReturns = []string{
	"//evil.example/",
	"http://evil.example.com/",
	"http://app.example.com.evil.example/",
	"http://app.example.com\\@evil.example/",
	"http:\\\\app.example.com/",
	"http://app.example.com\t.evil.example/",
	"http://ada@app.example.com/",
	"http://app%2eexample.com/",
	"http://evil.example%2f@app.example.com/",
	"javascript:alert(1)//app.example.com",
	"/\\evil.example/",
}

// logoutWorld: ada owns Apollo, which protects app.example.com at level
// off.
func logoutWorld(t *testing.T) *harness {
	t.Helper()
	h := newHarness(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Apollo")
	h.protectID(p.ID, u.ID, appHost)
	return h
}

// stillIn reports whether b's session still opens the gate's pages and
// the protected app.
func stillIn(t *testing.T, b *browser) bool {
	t.Helper()
	res, _ := b.get("/")
	return res.StatusCode == http.StatusOK && b.ask(forwardCheck("GET", appHost, "/")).StatusCode == http.StatusOK
}

// TestLogoutLink: an app's "log out" link shows a page that asks; the GET
// ends nothing; its form ends the session, for the gate and every app,
// and goes back to the app, or to the login page when rd is not a
// protected app's URL.
func TestLogoutLink(t *testing.T) {
	h := logoutWorld(t)
	tests := []struct {
		name, rd, next, to string
	}{
		{"protected app", appURL, appURL, appURL},
		{"no rd", "", "/", "/login"},
		{"a path of the gate", "/account", "/", "/login"},
	}
	for _, rd := range evilReturns {
		tests = append(tests, struct{ name, rd, next, to string }{"evil " + rd, rd, "/", "/login"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			res, body := b.get("/logout?rd=" + url.QueryEscape(tt.rd))
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="logout-question"`) {
				t.Fatalf("GET /logout: got %d, want 200 asking to confirm:\n%s", res.StatusCode, body)
			}
			if want := `name="next" value="` + html.EscapeString(tt.next) + `"`; !strings.Contains(body, want) {
				t.Fatalf("the form does not carry %q:\n%s", want, body)
			}
			if got, want := res.Header.Get("Cache-Control"), "no-store"; got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			if !stillIn(t, b) {
				t.Fatal("a GET of /logout ended the session")
			}
			b.get("/logout?rd=" + url.QueryEscape(tt.rd)) // the page's CSRF token
			res, _ = b.post("/logout", url.Values{"next": {tt.next}})
			expectAt(t, res, tt.to)
			// The app sends the browser to log in again, which says why.
			if _, body := b.get("/login?rd=" + url.QueryEscape(tt.rd)); !strings.Contains(body, "Logged out.") {
				t.Errorf("the login page after the logout does not say \"Logged out.\":\n%s", body)
			}
			if stillIn(t, b) {
				t.Fatal("the session is still alive after the logout")
			}
		})
	}
}

// TestLogoutLinkPage: the page names the app and allows its form to end
// there; the cancel link goes back to the app.
func TestLogoutLinkPage(t *testing.T) {
	h := logoutWorld(t)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	res, body := b.get("/logout?rd=" + url.QueryEscape(appURL))
	for _, want := range []string{
		`<strong id="logout-app">app.example.com</strong>`,
		`href="` + html.EscapeString(appURL) + `" id="logout-cancel"`,
		`action="/logout"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if got, want := res.Header.Get("Content-Security-Policy"), "form-action 'self' http://app.example.com;"; !strings.Contains(got, want) {
		t.Errorf("CSP = %q, want it to hold %q", got, want)
	}
	_, body = b.get("/logout?rd=" + url.QueryEscape("http://evil.example.com/"))
	if strings.Contains(body, "evil.example.com") {
		t.Errorf("the page names a host that is not protected:\n%s", body)
	}
}

// TestLogoutLinkWithoutSession: without a session (none, or one ended)
// the page says so and links back to the app, or to the login when rd
// is not followed.
func TestLogoutLinkWithoutSession(t *testing.T) {
	h := logoutWorld(t)
	ended := h.browser()
	ended.login("ada@example.com", goodPassword)
	ended.get("/")
	ended.post("/logout", url.Values{})
	for _, tt := range []struct {
		name string
		b    *browser
		rd   string
		link string
	}{
		{"no cookie, protected app", h.browser(), appURL, appURL},
		{"no cookie, no rd", h.browser(), "", "/login"},
		{"ended session, protected app", ended, appURL, appURL},
		{"no cookie, evil", h.browser(), "http://app.example.com.evil.example/", "/login"},
		{"no cookie, userinfo", h.browser(), "http://ada@app.example.com/", "/login"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := tt.b.get("/logout?rd=" + url.QueryEscape(tt.rd))
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "You are not logged in") {
				t.Fatalf("got %d, want 200 saying there is no session:\n%s", res.StatusCode, body)
			}
			if want := `href="` + html.EscapeString(tt.link) + `" id="logout-link"`; !strings.Contains(body, want) {
				t.Errorf("the page lacks the link %q:\n%s", want, body)
			}
			if strings.Contains(body, `id="logout"`) {
				t.Errorf("the page offers to log out a session that does not exist:\n%s", body)
			}
		})
	}
}

// TestLogoutLinkForged: the form's POST without the session's CSRF token,
// or from another site, ends nothing.
func TestLogoutLinkForged(t *testing.T) {
	h := logoutWorld(t)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/logout?rd=" + url.QueryEscape(appURL))
	for _, tt := range []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", url.Values{"next": {appURL}, "csrf_token": {""}}, nil},
		{"a wrong token", url.Values{"next": {appURL}, "csrf_token": {"not-the-token"}}, nil},
		{"another site", url.Values{"next": {appURL}}, []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := b.post("/logout", tt.form, tt.header...)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("got %d, want 403", res.StatusCode)
			}
			if !stillIn(t, b) {
				t.Fatal("a forged logout ended the session")
			}
		})
	}
}

// TestLogoutLinkPending: a session between the password and the code is
// asked too, and its logout goes back to the app.
func TestLogoutLinkPending(t *testing.T) {
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Apollo")
	h.protectID(p.ID, u.ID, appHost)
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	first := h.browser()
	first.login("ada@example.com", goodPassword)
	h.enroll(first, testPhone)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	res, _ := b.get("/")
	expectRedirect(t, res, "/verify")
	if _, body := b.get("/logout?rd=" + url.QueryEscape(appURL)); !strings.Contains(body, `id="logout-question"`) {
		t.Fatalf("a pending session is not asked to confirm:\n%s", body)
	}
	res, _ = b.post("/logout", url.Values{"next": {appURL}})
	expectAt(t, res, appURL)
	if res, _ := b.get("/verify"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /verify after logout: got %d, want 303 to the login", res.StatusCode)
	}
}
