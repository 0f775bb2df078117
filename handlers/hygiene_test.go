package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/handlers"
)

// TestNextNeverLeavesTheSite logs in with "next" values that browsers
// would turn into another site, and checks that each lands on "/".
func TestNextNeverLeavesTheSite(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	tests := []struct {
		next, want string
	}{
		{"/account", "/account"},
		{"/projects/1?tab=x", "/projects/1?tab=x"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"https://evil.example/", "/"},
		{"/%09/evil.example", "/%09/evil.example"}, // stays a path on this site
		{"", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.next, func(t *testing.T) {
			b := h.browser()
			b.get("/login")
			res, _ := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}, "next": {tt.next}})
			if got := res.Header.Get("Location"); got != tt.want {
				t.Errorf("Location = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOversizedFormIs413(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/")
	res, body := b.post("/projects", url.Values{"name": {strings.Repeat("x", 100<<10)}})
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "too large") {
		t.Errorf("got %d, want 413 with an explanation", res.StatusCode)
	}
}

func TestProjectNameHygiene(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/")
	for _, name := range []string{"\xff\xfe", "a\x00b", "line\nbreak", "abc\u202edcba", "zero\u200bwidth"} {
		res, at, body := b.follow(b.post("/projects", url.Values{"name": {name}}))
		if res.StatusCode != http.StatusSeeOther || at != "/" || !strings.Contains(body, "control characters") {
			t.Errorf("name %q: got %d to %q, want 303 home with the rule in words", name, res.StatusCode, at)
		}
	}
	if res, _ := b.post("/projects", url.Values{"name": {"Café Ünïcode 東京"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("a plain unicode name was refused: %d", res.StatusCode)
	}
}

func TestHeadAnswersLikeGet(t *testing.T) {
	h := newHarness(t)
	for _, path := range []string{"/healthz", "/login"} {
		res, err := http.Head(h.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("HEAD %s = %d, want 200", path, res.StatusCode)
		}
	}
}

func TestAnonymousCSRFCookieOverHTTPS(t *testing.T) {
	h := newHarness(t, func(c *handlers.Config) { c.PublicURL = "https://gate.example.com" })
	res, _ := h.browser().get("/login")
	var found bool
	for _, c := range res.Cookies() {
		if c.Name == "__Host-phonegate_csrf" {
			found = c.Secure && c.HttpOnly && c.Path == "/"
		}
	}
	if !found {
		t.Errorf("no Secure __Host-phonegate_csrf cookie in %q", res.Header.Values("Set-Cookie"))
	}
}
