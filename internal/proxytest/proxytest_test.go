package proxytest_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/internal/proxytest"
)

// fakeGate answers the two check endpoints as the gate's contract says:
// a request with the cookie "ok" is allowed, with the identity headers;
// without it /auth/forward redirects a GET to the login page and answers
// 401 to anything else, and /auth/request answers 401.
func fakeGate(t *testing.T) *httptest.Server {
	h := http.NewServeMux()
	allow := func(w http.ResponseWriter, r *http.Request) bool {
		if c, err := r.Cookie("session"); err == nil && c.Value == "ok" {
			w.Header().Set("Remote-User", "ada@example.com")
			w.Header().Set("Remote-Email", "ada@example.com")
			w.Header().Set("Remote-Groups", "owner")
			w.WriteHeader(http.StatusOK)
			return true
		}
		return false
	}
	h.HandleFunc("GET /auth/forward", func(w http.ResponseWriter, r *http.Request) {
		if allow(w, r) {
			return
		}
		if r.Header.Get("X-Forwarded-Method") == http.MethodGet {
			orig := r.Header.Get("X-Forwarded-Proto") + "://" + r.Header.Get("X-Forwarded-Host") + r.Header.Get("X-Forwarded-Uri")
			http.Redirect(w, r, "http://gate.example.test/login?rd="+url.QueryEscape(orig), http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	h.HandleFunc("GET /auth/request", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Original-URL") == "" {
			t.Errorf("auth_request without X-Original-URL")
		}
		if allow(w, r) {
			return
		}
		if r.Header.Get("X-Original-Method") == http.MethodGet {
			w.Header().Set("Location", "http://gate.example.test/login?rd="+url.QueryEscape(r.Header.Get("X-Original-URL")))
		}
		w.WriteHeader(http.StatusUnauthorized)
	})
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// echoApp answers with the identity headers it received.
func echoApp(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "user="+r.Header.Get("Remote-User")+" groups="+r.Header.Get("Remote-Groups"))
	}))
	t.Cleanup(s.Close)
	return s
}

// TestProxies: through each real proxy, a request with the session cookie
// reaches the app with the gate's identity headers, one without it is sent
// to the login page with rd, and a POST without it gets 401, not a
// redirect.
func TestProxies(t *testing.T) {
	gate, app := fakeGate(t), echoApp(t)
	cfg := proxytest.Config{Host: "app.example.test", Upstream: hostport(app.URL), Gate: hostport(gate.URL)}
	for _, tt := range proxytest.Kinds {
		t.Run(tt.Name, func(t *testing.T) {
			p := tt.Start(t, cfg)
			c := p.Client(nil)
			req, _ := http.NewRequest(http.MethodGet, p.URL("/dashboard?x=1"), nil)
			req.AddCookie(&http.Cookie{Name: "session", Value: "ok"})
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || string(body) != "user=ada@example.com groups=owner" {
				t.Errorf("with a session: %d %q, want 200 with the identity headers", res.StatusCode, body)
			}
			res, err = c.Get(p.URL("/dashboard?x=1&y=2"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			loc := res.Header.Get("Location")
			u, err := url.Parse(loc)
			if res.StatusCode != http.StatusFound || err != nil || u.Host != "gate.example.test" || u.Path != "/login" ||
				u.Query().Get("rd") != p.URL("/dashboard?x=1&y=2") {
				t.Errorf("without a session: %d to %q, want 302 to the login page with rd", res.StatusCode, loc)
			}
			res, err = c.Post(p.URL("/api/items"), "application/json", strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusUnauthorized {
				t.Errorf("a POST without a session: %d, want 401", res.StatusCode)
			}
		})
	}
}

func hostport(u string) string {
	h := strings.TrimPrefix(u, "http://")
	if _, _, err := net.SplitHostPort(h); err != nil {
		return ""
	}
	return h
}
