package handlers_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

const (
	loggedOutWords = "You have been logged out; log in again."
	forgedWords    = "This form has expired or did not come from this site."
)

// TestStaleFormAfterLogout: a form posted from a page of a session that
// has ended (logged out in this browser, expired, or ended from another
// session) says that the user was logged out, with a link to the login,
// and does nothing; a form that never had a session, or the wrong token
// of a live one, still gets the old refusal.
func TestStaleFormAfterLogout(t *testing.T) {
	tests := []struct {
		name string
		end  func(t *testing.T, h *harness, b *browser)
		want string
	}{
		{"logged out in another tab", func(t *testing.T, h *harness, b *browser) {
			other := *b // the same cookies, another page
			if res, _ := other.post("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: got %d", res.StatusCode)
			}
		}, loggedOutWords},
		{"the session expired", func(t *testing.T, h *harness, b *browser) {
			h.clock.Add(phonegate.SessionIdle + time.Minute)
		}, loggedOutWords},
		{"ended from another session", func(t *testing.T, h *harness, b *browser) {
			u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
			if _, err := h.db.EndOtherSessions(context.Background(), u.ID, nil, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, loggedOutWords},
		{"a live session, a wrong token", func(t *testing.T, h *harness, b *browser) {
			b.csrf = "not-the-token-of-this-session"
		}, forgedWords},
		{"no session at all", func(t *testing.T, h *harness, b *browser) {
			b.c.Jar, _ = cookiejar.New(nil)
		}, forgedWords},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			u, _ := h.addUser("ada@example.com", goodPassword, "Engine")
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			b.get("/") // the page left open, with its form
			tt.end(t, h, b)
			res, body := b.post("/projects", url.Values{"name": {"Stale"}})
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, tt.want) {
				t.Errorf("got %d, want 403 saying %q\n%s", res.StatusCode, tt.want, body)
			}
			if tt.want == loggedOutWords && !strings.Contains(body, `href="/login"`) {
				t.Errorf("the page has no link to the login:\n%s", body)
			}
			if tt.want == loggedOutWords && strings.Contains(body, forgedWords) {
				t.Error("the page also says the form was forged")
			}
			if ms, _ := h.db.Memberships(context.Background(), u.ID); len(ms) != 1 {
				t.Errorf("the user has %d projects, want 1: the stale form was done", len(ms))
			}
		})
	}
}

// TestNoStoreBehindLogin walks the route table: every route behind login
// (pending and full) answers with Cache-Control: no-store, with a session
// and without one, for a page, a redirect and a refused form alike, so
// that the back button after logout cannot show it from the cache.
func TestNoStoreBehindLogin(t *testing.T) {
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Engine")
	in := h.browser()
	in.login("ada@example.com", goodPassword)
	in.get("/")
	params := strings.NewReplacer(":id", strconvFormat(p.ID), ":token", "not-a-token")
	seen := map[string]int{}
	for rt, access := range h.srv.RouteAccess() {
		if access != "pending" && access != "full" {
			continue
		}
		method, path, _ := strings.Cut(rt, " ")
		path = params.Replace(path)
		for _, who := range []struct {
			name string
			b    *browser
		}{{"logged in", in}, {"logged out", h.browser()}} {
			// A POST carries no CSRF token: it is refused, and changes nothing.
			form := url.Values{"csrf_token": {"none"}, "user": {strconvFormat(u.ID)}}
			req, _ := http.NewRequest(method, h.http.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, _ := who.b.do(req)
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s, %s: got %d with Cache-Control %q, want no-store", method, path, who.name, res.StatusCode, got)
			}
			seen[access]++
		}
	}
	if seen["pending"] == 0 || seen["full"] == 0 {
		t.Errorf("routes checked by access: %v, want both pending and full", seen)
	}
	if res, _ := in.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("the walk ended the session: GET / got %d", res.StatusCode)
	}
}

// TestUsedSetupLink: once setup is done, its link says so and leads to
// the login, rather than "Not Found"; a wrong link before setup still
// finds nothing.
func TestUsedSetupLink(t *testing.T) {
	h := newHarness(t)
	link, _ := h.srv.SetupLink(context.Background())
	path := strings.TrimPrefix(link, "http://127.0.0.1:8080")
	if res, body := h.browser().get("/setup?token=wrong"); res.StatusCode != http.StatusNotFound || strings.Contains(body, "Setup is done") {
		t.Errorf("a wrong link before setup: got %d", res.StatusCode)
	}
	b := h.browser()
	b.get(path)
	if res, _ := b.post(path, url.Values{"email": {"ada@example.com"}, "password": {goodPassword}, "project": {"Engine"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: got %d", res.StatusCode)
	}
	other := h.browser()
	for _, tt := range []struct {
		name string
		do   func() (*http.Response, string)
	}{
		{"GET the used link", func() (*http.Response, string) { return other.get(path) }},
		{"GET a wrong link", func() (*http.Response, string) { return other.get("/setup?token=wrong") }},
		{"POST the used link", func() (*http.Response, string) {
			other.get("/login") // a form's CSRF token
			return other.post(path, url.Values{"email": {"eve@example.com"}, "password": {goodPassword}, "project": {"Mine"}})
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := tt.do()
			if res.StatusCode != http.StatusGone || !strings.Contains(body, "Setup is done: log in.") ||
				!strings.Contains(body, `href="/login"`) || strings.Contains(body, "Not Found") {
				t.Errorf("got %d, want 410 saying setup is done, with a link to the login:\n%s", res.StatusCode, body)
			}
		})
	}
	if n, _ := h.db.CountUsers(context.Background()); n != 1 {
		t.Errorf("%d users, want 1", n)
	}
}

// TestLoggedOutHeader: pages shown to a visitor who is not logged in have
// a "Log in" link in the header; pages of a logged-in user do not.
func TestLoggedOutHeader(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "Engine")
	const link = `<a href="/login" id="login-link">Log in</a>`
	b := h.browser()
	for _, path := range []string{"/login", "/invite/not-a-token", "/nothing-here"} {
		if _, page := b.get(path); !strings.Contains(page, link) {
			t.Errorf("%s: the header has no Log in link", path)
		}
	}
	// An error page offers the way in, not "your projects", which the
	// visitor cannot see yet.
	if _, page := b.get("/nothing-here"); !strings.Contains(page, `<a href="/login" id="error-link">Log in</a>`) ||
		strings.Contains(page, "Back to your projects") {
		t.Errorf("a logged-out error page does not lead to the login:\n%s", page)
	}
	b.login("ada@example.com", goodPassword)
	_, page := b.get("/")
	if strings.Contains(page, link) {
		t.Error("a logged-in page has a Log in link")
	}
	if _, page := b.get("/nothing-here"); !strings.Contains(page, "Back to your projects") {
		t.Errorf("a logged-in error page does not lead back to the projects:\n%s", page)
	}
}
