package handlers_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// sharedGate is a gate at gate.example.test whose session cookie is shared
// with example.test, reached by browsers whose dialer takes every host to
// the test server (their jars keep the domain's cookies only for a host
// of the domain).
func sharedGate(t *testing.T) *sharedDomain {
	h := newTwoFactor(t, func(c *handlers.Config) {
		c.PublicURL, c.CookieDomain = "http://gate.example.test:8080", "example.test"
	})
	addr := h.http.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	h.http.URL = "http://gate.example.test:" + port
	return &sharedDomain{twoFactor: h, dial: addr}
}

// sharedDomain is a two-factor harness whose browsers reach the server
// by the name gate.example.test.
type sharedDomain struct {
	*twoFactor
	dial string // the test server's address
}

// sharedBrowser is a browser of the shared gate.
func (h *sharedDomain) sharedBrowser() *browser {
	b := h.browser()
	d := &net.Dialer{}
	b.c.Transport = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return d.DialContext(ctx, network, h.dial)
	}}
	return b
}

// askApp sends the check c with every cookie the browser holds for an
// app's host of the cookie domain, as a proxy in front of the app would.
func (b *browser) askApp(c check) *http.Response {
	b.h.t.Helper()
	req := httptest.NewRequest(http.MethodGet, c.path, nil)
	req.RemoteAddr = "127.0.0.1:40000"
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	app, _ := url.Parse("http://app.example.test/")
	for _, ck := range b.c.Jar.Cookies(app) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	b.h.srv.ServeHTTP(rec, req)
	return rec.Result()
}

// TestTrustCookieShared: with a cookie domain the trusted-computer cookie
// is shared like the session cookie, so that a computer let in on its
// trust at the gate is let into the project's apps too, instead of being
// sent back to log in by each of them (and, logged in, back to the app).
func TestTrustCookieShared(t *testing.T) {
	h := sharedGate(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelPerComputer)
	h.protect(u, p, "app.example.test")
	b := h.sharedBrowser()
	b.login("ada@example.com", goodPassword)
	h.enroll(b, testPhone)
	app, _ := url.Parse("http://app.example.test/")
	var trust *http.Cookie
	for _, c := range b.c.Jar.Cookies(app) {
		if c.Name == "phonegate_shared_trust" {
			trust = c
		}
	}
	if trust == nil || len(trust.Value) < 22 {
		t.Fatalf("the app's host gets no trusted-computer cookie phonegate_shared_trust: %v", b.c.Jar.Cookies(app))
	}

	b.get("/")
	b.post("/logout", url.Values{})
	if res := b.login("ada@example.com", goodPassword); res.Header.Get("Location") != "/" {
		t.Fatalf("the trusted computer's login went to %q, want / without a code", res.Header.Get("Location"))
	}
	for _, c := range []check{forwardCheck(http.MethodGet, "app.example.test", "/"), requestCheck(http.MethodGet, "https://app.example.test/")} {
		if res := b.askApp(c); res.StatusCode != http.StatusOK {
			t.Errorf("%s for the trusted computer's session: %d, want 200", c.path, res.StatusCode)
		}
	}
}
