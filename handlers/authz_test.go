package handlers_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

const appHost = "app.example.com"

// authzWorld: ada owns Engine, which protects app.example.com at level
// off; eve owns another project; anon has no session.
func authzWorld(t *testing.T) (h *twoFactor, p phonegate.Project, ada, eve, anon *browser) {
	t.Helper()
	h = newTwoFactor(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.addUser("eve@example.com", goodPassword, "Other")
	h.protect(u, p, appHost)
	ada, eve, anon = h.browser(), h.browser(), h.browser()
	ada.login("ada@example.com", goodPassword)
	eve.login("eve@example.com", goodPassword)
	return h, p, ada, eve, anon
}

// TestAuthChecks: every status of the two endpoints, and the headers of an
// allowed request.
func TestAuthChecks(t *testing.T) {
	_, _, ada, eve, anon := authzWorld(t)
	rd := "http://127.0.0.1:8080/login?" + url.Values{"rd": {"https://app.example.com/dash?x=1"}}.Encode()
	json := forwardCheck("GET", appHost, "/api")
	json.headers["Accept"] = "application/json"
	forged := forwardCheck("GET", appHost, "/")
	forged.peer = "192.0.2.7:5000"
	forgedReq := requestCheck("GET", "https://app.example.com/")
	forgedReq.peer = "192.0.2.7:5000"
	for _, tt := range []struct {
		name     string
		b        *browser
		c        check
		status   int
		location string
	}{
		{"forward: a member", ada, forwardCheck("GET", appHost, "/dash"), 200, ""},
		{"forward: no session, a page", anon, forwardCheck("GET", appHost, "/dash?x=1"), 302, rd},
		{"forward: no session, HEAD", anon, forwardCheck("HEAD", appHost, "/dash?x=1"), 302, rd},
		{"forward: no session, POST", anon, forwardCheck("POST", appHost, "/form"), 401, ""},
		{"forward: no session, JSON", anon, json, 401, ""},
		{"forward: another project's member", eve, forwardCheck("GET", appHost, "/"), 403, ""},
		{"forward: an unknown host", ada, forwardCheck("GET", "wiki.example.com", "/"), 403, ""},
		{"forward: from an untrusted peer", ada, forged, 403, ""},
		{"request: a member", ada, requestCheck("GET", "https://app.example.com/dash"), 200, ""},
		{"request: no session", anon, requestCheck("GET", "https://app.example.com/dash?x=1"), 401, rd},
		{"request: no session, POST", anon, requestCheck("POST", "https://app.example.com/dash"), 401, ""},
		{"request: another project's member", eve, requestCheck("GET", "https://app.example.com/"), 403, ""},
		{"request: an unknown host", ada, requestCheck("GET", "https://wiki.example.com/"), 403, ""},
		{"request: no URL", ada, requestCheck("GET", ""), 403, ""},
		{"request: from an untrusted peer", ada, forgedReq, 403, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.b.ask(tt.c)
			if res.StatusCode != tt.status {
				t.Errorf("status: got %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Location"); got != tt.location {
				t.Errorf("Location: got %q, want %q", got, tt.location)
			}
			if got := res.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control: got %q, want no-store", got)
			}
			if tt.status != 200 && res.Header.Get("Remote-User") != "" {
				t.Errorf("a refusal carries Remote-User %q", res.Header.Get("Remote-User"))
			}
		})
	}
	res := ada.ask(forwardCheck("GET", appHost, "/"))
	for k, want := range map[string]string{"Remote-User": "ada@example.com", "Remote-Email": "ada@example.com",
		"Remote-Name": "ada", "Remote-Groups": phonegate.RoleOwner, "Remote-Project": "Engine"} {
		if got := res.Header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	body, _ := io.ReadAll(eve.ask(forwardCheck("GET", appHost, "/")).Body)
	if !strings.Contains(string(body), "not a member") || !strings.Contains(string(body), "Log in as someone else") {
		t.Errorf("the non-member page does not say so:\n%s", body)
	}
}

// TestAuthChecksSeeChanges: a logout and a tightened level send the next
// check to the login page; passing the code lets it through again.
func TestAuthChecksSeeChanges(t *testing.T) {
	h, p, ada, _, _ := authzWorld(t)
	page := forwardCheck("GET", appHost, "/")
	if res := ada.ask(page); res.StatusCode != http.StatusOK {
		t.Fatalf("before: got %d, want 200", res.StatusCode)
	}
	h.enroll(ada, testPhone)
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	fresh := h.browser()
	fresh.login("ada@example.com", goodPassword)
	if res := fresh.ask(page); res.StatusCode != http.StatusFound {
		t.Errorf("a level tightened, password only: got %d, want 302", res.StatusCode)
	}
	if res := h.passCode(fresh); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("passing the code: got %d", res.StatusCode)
	}
	if res := fresh.ask(page); res.StatusCode != http.StatusOK {
		t.Errorf("after the code: got %d, want 200", res.StatusCode)
	}
	old := fresh.cookie("phonegate_session")
	fresh.get("/")
	if res, _ := fresh.post("/logout", url.Values{}); res.StatusCode >= 400 {
		t.Fatalf("logout: got %d", res.StatusCode)
	}
	// A copy of the cookie kept elsewhere is worth nothing after logout.
	u, _ := url.Parse(h.http.URL)
	fresh.c.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value, Path: "/"}})
	if res := fresh.ask(page); res.StatusCode != http.StatusFound {
		t.Errorf("after logout: got %d, want 302", res.StatusCode)
	}
}
