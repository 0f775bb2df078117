package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

const goodPassword = "correct horse battery staple"

func TestLogin(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "Analytical Engine")

	b := h.browser()
	res := b.login("ADA@example.com", goodPassword)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Fatalf("login: got %d to %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get("/")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Analytical Engine") {
		t.Fatalf("home after login: got %d, body without the project:\n%s", res.StatusCode, body)
	}
}

// TestLoginFailuresLookAlike checks that an unknown email and a wrong
// password give the same status and the same page.
func TestLoginFailuresLookAlike(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")

	attempt := func(email, password string) (string, string) {
		b := h.browser()
		b.get("/login")
		res, path, body := b.follow(b.post("/login", url.Values{"email": {email}, "password": {password}}))
		body = strings.ReplaceAll(body, email, "EMAIL")
		body = strings.ReplaceAll(body, b.csrf, "CSRF")
		return fmt.Sprintf("%d to %s", res.StatusCode, path), body
	}
	wrongStatus, wrongBody := attempt("ada@example.com", "not the password at all")
	unknownStatus, unknownBody := attempt("nobody@example.com", "not the password at all")
	if wrongStatus != "303 to /login" || unknownStatus != wrongStatus {
		t.Errorf("answer: wrong password %s, unknown email %s, want both 303 to /login", wrongStatus, unknownStatus)
	}
	if wrongBody != unknownBody {
		t.Errorf("the pages differ:\nwrong password:\n%s\nunknown email:\n%s", wrongBody, unknownBody)
	}
	if !strings.Contains(wrongBody, "do not match an account") {
		t.Errorf("the page does not say what went wrong:\n%s", wrongBody)
	}
}

func TestLoginThrottle(t *testing.T) {
	h := newHarness(t)
	u, _ := h.addUser("ada@example.com", goodPassword, "P")
	ctx := context.Background()
	for range 100 {
		if err := h.db.AddEvent(ctx, phonegate.FailedLoginKey(u.ID), h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	expectLoginRefused(t, h.browser().login("ada@example.com", goodPassword))
	h.clock.Add(time.Hour + time.Second)
	if res := h.browser().login("ada@example.com", goodPassword); !loggedIn(res) {
		t.Fatalf("an hour later, the right password got %d to %q, want 303 in", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestLoginRehashesOldParameters(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	old := phonegate.NewHasher(phonegate.Argon2Params{Memory: 32, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	hash, _ := old.Hash(ctx, goodPassword)
	u, err := h.db.CreateUser(ctx, "ada@example.com", hash, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if res := h.browser().login("ada@example.com", goodPassword); !loggedIn(res) {
		t.Fatalf("login: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	u, _ = h.db.User(ctx, u.ID)
	if !strings.Contains(u.PasswordHash, "m=64,t=1,p=1") {
		t.Errorf("hash not upgraded to the current parameters: %s", u.PasswordHash)
	}
}

func TestSessionFixation(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	first := b.cookie("phonegate_session").Value

	// Logging in again in the same browser gives a new token and ends the old one.
	b.get("/")
	if res, _ := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}}); !loggedIn(res) {
		t.Fatalf("second login: got %d", res.StatusCode)
	}
	second := b.cookie("phonegate_session").Value
	if first == second {
		t.Fatal("the session token did not change at login")
	}
	attacker := h.browser()
	u, _ := url.Parse(h.http.URL)
	attacker.c.Jar.SetCookies(u, []*http.Cookie{{Name: "phonegate_session", Value: first}})
	if res, _ := attacker.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the token from before the login still works: got %d", res.StatusCode)
	}

	// A token planted before login is never adopted.
	victim := h.browser()
	victim.c.Jar.SetCookies(u, []*http.Cookie{{Name: "phonegate_session", Value: "planted-by-attacker"}})
	victim.login("ada@example.com", goodPassword)
	if got := victim.cookie("phonegate_session").Value; got == "planted-by-attacker" {
		t.Fatal("login adopted a planted session token")
	}
}

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name  string
		steps []time.Duration // time between requests
		alive bool
	}{
		{"fresh", nil, true},
		{"29 minutes idle", []time.Duration{29 * time.Minute}, true},
		{"31 minutes idle", []time.Duration{31 * time.Minute}, false},
		{"active for 11 hours", repeat(20*time.Minute, 33), true},
		{"active past 12 hours", repeat(20*time.Minute, 37), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			h.addUser("ada@example.com", goodPassword, "P")
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			var res *http.Response
			for _, d := range tt.steps {
				h.clock.Add(d)
				res, _ = b.get("/")
			}
			res, _ = b.get("/")
			if alive := res.StatusCode == http.StatusOK; alive != tt.alive {
				t.Errorf("alive = %v (status %d), want %v", alive, res.StatusCode, tt.alive)
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

func TestLogoutEndsSessionOnServer(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	token := b.cookie("phonegate_session").Value
	b.get("/")
	if res, _ := b.post("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: got %d", res.StatusCode)
	}
	if _, err := h.db.Session(context.Background(), phonegate.HashToken(token), h.clock.Now(),
		time.Time{}, time.Time{}); err == nil {
		t.Fatal("the session still exists on the server after logout")
	}
}

func TestCSRF(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	h.addUser("eve@example.com", goodPassword, "Q")
	eve := h.browser()
	eve.login("eve@example.com", goodPassword)
	eve.get("/")

	tests := []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"cross-site fetch metadata", url.Values{}, []string{"Sec-Fetch-Site", "cross-site"}},
		{"foreign origin", url.Values{}, []string{"Origin", "https://evil.example"}},
		{"missing token", url.Values{"csrf_token": {""}}, nil},
		{"another session's token", url.Values{"csrf_token": {eve.csrf}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			b.get("/")
			form := url.Values{"name": {"Created by CSRF"}}
			for k, v := range tt.form {
				form[k] = v
			}
			res, _ := b.post("/projects", form, tt.header...)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("got %d, want 403", res.StatusCode)
			}
		})
	}
	var names []string
	u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
	ms, _ := h.db.Memberships(context.Background(), u.ID)
	for _, m := range ms {
		names = append(names, m.Project.Name)
	}
	if strings.Contains(strings.Join(names, ","), "CSRF") {
		t.Errorf("a refused form created a project: %v", names)
	}

	t.Run("login form without token", func(t *testing.T) {
		b := h.browser()
		res, _ := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("got %d, want 403", res.StatusCode)
		}
	})
}

func TestCookieAttributes(t *testing.T) {
	tests := []struct {
		publicURL string
		name      string
		secure    bool
	}{
		{"http://127.0.0.1:8080", "phonegate_session", false},
		{"https://gate.example.com", "__Host-phonegate_session", true},
	}
	for _, tt := range tests {
		t.Run(tt.publicURL, func(t *testing.T) {
			h := newHarness(t, func(c *handlers.Config) { c.PublicURL = tt.publicURL })
			h.addUser("ada@example.com", goodPassword, "P")
			b := h.browser()
			res := b.login("ada@example.com", goodPassword)
			var raw string
			for _, v := range res.Header.Values("Set-Cookie") {
				if strings.HasPrefix(v, tt.name+"=") {
					raw = v
				}
			}
			if raw == "" {
				t.Fatalf("no %s cookie in %q", tt.name, res.Header.Values("Set-Cookie"))
			}
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(raw, attr) {
					t.Errorf("cookie %q lacks %s", raw, attr)
				}
			}
			if got := strings.Contains(raw, "Secure"); got != tt.secure {
				t.Errorf("cookie %q: Secure = %v, want %v", raw, got, tt.secure)
			}
			if strings.Contains(raw, "Domain=") {
				t.Errorf("cookie %q names a domain", raw)
			}
			_, hsts := res.Header["Strict-Transport-Security"]
			if hsts != tt.secure {
				t.Errorf("HSTS present = %v, want %v", hsts, tt.secure)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	res, _ := b.get("/login")
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q lacks frame-ancestors 'none'", csp)
	}
	b.login("ada@example.com", goodPassword)
	res, _ = b.get("/")
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("logged-in page Cache-Control = %q, want no-store", got)
	}
}

func TestSetup(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	link, err := h.srv.SetupLink(ctx)
	if err != nil || !strings.HasPrefix(link, "http://127.0.0.1:8080/setup?token=") {
		t.Fatalf("SetupLink = %q, %v", link, err)
	}
	path := strings.TrimPrefix(link, "http://127.0.0.1:8080")

	b := h.browser()
	if res, _ := b.get("/setup?token=wrong"); res.StatusCode != http.StatusNotFound {
		t.Errorf("wrong token: got %d, want 404", res.StatusCode)
	}
	res, body := b.get(path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("setup page: got %d", res.StatusCode)
	}
	token := strings.TrimPrefix(path, "/setup?token=")
	res, at, body := b.follow(b.post("/setup", url.Values{"token": {token}, "email": {"ada@example.com"}, "password": {"short"}, "project": {"P"}}))
	expectFormError(t, res, at, body, "/setup", "12 to 128")
	res, at, body = b.follow(b.post("/setup", url.Values{"token": {token}, "email": {"ada@example.com"}, "password": {goodPassword}, "project": {"First"}}))
	if res.StatusCode != http.StatusSeeOther || at != "/login" || !strings.Contains(body, "Setup done: log in.") ||
		!strings.Contains(body, `value="ada@example.com"`) {
		t.Fatalf("setup: got %d to %q, want 303 to the login page, with the email and the flash:\n%s", res.StatusCode, at, body)
	}
	b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}})
	if res, body = b.get("/"); !strings.Contains(body, "First") {
		t.Errorf("after setup the owner does not see the project: %d", res.StatusCode)
	}
	if link, _ := h.srv.SetupLink(ctx); link != "" {
		t.Errorf("SetupLink after setup = %q, want none", link)
	}
}

func TestHealthz(t *testing.T) {
	h := newHarness(t)
	res, _ := h.browser().get("/healthz")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: got %d, want 200", res.StatusCode)
	}
	h.db.Close()
	res, body := h.browser().get("/healthz")
	if res.StatusCode != http.StatusServiceUnavailable || body != "database unavailable\n" {
		t.Fatalf("healthz with the database closed: got %d %q, want 503 %q", res.StatusCode, body, "database unavailable\n")
	}
}

func TestDeadDatabaseIsNotAUserError(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.get("/login")
	h.db.Close()
	res, body := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}})
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "nothing was changed") {
		t.Errorf("got %d, want 503 with an explanation; body:\n%s", res.StatusCode, body)
	}
}

func TestProjects(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "Mine")
	_, theirs := h.addUser("eve@example.com", goodPassword, "Theirs")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/")
	res, at, body := b.follow(b.post("/projects", url.Values{"name": {""}}))
	expectFormError(t, res, at, body, "/", "1 to 30 characters")
	res, _ = b.post("/projects", url.Values{"name": {"Second"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/projects/") {
		t.Fatalf("create: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body = b.get(res.Header.Get("Location"))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Second") || !strings.Contains(body, "Owner") {
		t.Errorf("new project page: got %d", res.StatusCode)
	}
	for _, path := range []string{"/projects/" + itoa(theirs.ID), "/projects/999999", "/projects/abc"} {
		if res, _ := b.get(path); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: got %d, want 404", path, res.StatusCode)
		}
	}
}

func itoa(n int64) string { return strconvFormat(n) }

// TestLoginThrottleConcurrent: 150 wrong passwords at once record at most
// 100 failures (the count and the check are one step), and then the right
// password is refused until the hour has passed.
func TestLoginThrottleConcurrent(t *testing.T) {
	h := newHarness(t)
	u, _ := h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.get("/login")
	anon := b.cookie("phonegate_csrf")
	if anon == nil {
		t.Fatal("the login page set no CSRF cookie")
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range 150 {
		wg.Go(func() {
			form := url.Values{"email": {"ada@example.com"}, "password": {fmt.Sprintf("wrong password %03d", i)},
				"csrf_token": {b.csrf}}
			// A 503 is the bounded hash queue saying "try again in a
			// moment" (how often depends on the machine's load): the
			// request is sent again, as a browser's user would, so that
			// every one of the 150 reaches the password check.
			status := http.StatusServiceUnavailable
			for try := 0; status == http.StatusServiceUnavailable && try < 100; try++ {
				req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				// From as many addresses (behind the loopback proxy the test
				// server trusts), so that the per-address limit stays out of it.
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i+1))
				req.AddCookie(anon)
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
				status = res.StatusCode
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[http.StatusSeeOther] != 150 {
		t.Errorf("statuses of 150 wrong passwords: %v, want 150 × 303 back to the login page", statuses)
	}
	n, err := h.db.CountEvents(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 100 {
		t.Errorf("%d failures recorded, want exactly the limit, 100", n)
	}
	expectLoginRefused(t, h.browser().login("ada@example.com", goodPassword))
	h.clock.Add(time.Hour + time.Second)
	if res := h.browser().login("ada@example.com", goodPassword); !loggedIn(res) {
		t.Errorf("the right password an hour later: got %d to %q, want 303 in", res.StatusCode, res.Header.Get("Location"))
	}
}
