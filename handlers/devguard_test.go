package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// devRequest sends method path to the harness from b, with Host host and
// the extra headers (name, value pairs); a POST carries b's CSRF token.
func devRequest(b *browser, method, path, host string, header ...string) *http.Response {
	b.h.t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		form := url.Values{"csrf_token": {b.csrf}, "from": {whPhone}, "quick": {"HELP"}}
		req, _ = http.NewRequest(method, b.h.http.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, b.h.http.URL+path, nil)
	}
	if host != "" {
		// The jar files cookies under the Host a request names: send the
		// browser's own by hand, as a browser that reached this server
		// under that name would.
		req.Host = host
		u, _ := url.Parse(b.h.http.URL)
		for _, c := range b.c.Jar.Cookies(u) {
			req.AddCookie(c)
		}
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, _ := b.do(req)
	return res
}

// TestDevPhoneOnlyOnLoopback: the dev phone and the dev mailbox answer a
// logged-in session on a loopback Host, and nothing else; a tunnelled
// request looks like a path that does not exist.
func TestDevPhoneOnlyOnLoopback(t *testing.T) {
	h := newDevPhoneHarness(t)
	in := h.browser()
	if res := in.login("ada@example.com", "correct horse battery"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	in.get("/") // the session's CSRF token
	anon := h.browser()
	anon.get("/login") // the anonymous CSRF token
	port := h.http.Listener.Addr().String()
	port = port[strings.LastIndex(port, ":"):]

	tests := []struct {
		name   string
		b      *browser
		method string
		path   string
		host   string
		header []string
		status int
		to     string // for a 303, where it goes
	}{
		{name: "loopback, logged in", b: in, method: "GET", path: "/dev/phone", status: 200},
		{name: "localhost, logged in", b: in, method: "GET", path: "/dev/phone", host: "localhost" + port, status: 200},
		{name: "LOCALHOST without a port", b: in, method: "GET", path: "/dev/phone", host: "LOCALHOST", status: 200},
		{name: "[::1], logged in", b: in, method: "GET", path: "/dev/phone", host: "[::1]" + port, status: 200},
		{name: "127.0.0.2, logged in", b: in, method: "GET", path: "/dev/phone", host: "127.0.0.2", status: 200},
		{name: "a button, logged in", b: in, method: "POST", path: "/dev/phone/sms", status: 303, to: "/dev/phone?done=sms"},
		{name: "the mailbox, logged in", b: in, method: "GET", path: "/dev/mail", status: 200},
		{name: "ngrok host, logged in", b: in, method: "GET", path: "/dev/phone", host: "example.ngrok.app", status: 404},
		{name: "ngrok host, the mailbox", b: in, method: "GET", path: "/dev/mail", host: "example.ngrok.app", status: 404},
		{name: "the mailbox, no session", b: anon, method: "GET", path: "/dev/mail", status: 303, to: "/login?next=%2Fdev%2Fmail"},
		{name: "ngrok host, a button", b: in, method: "POST", path: "/dev/phone/sms", host: "example.ngrok.app", status: 404},
		{name: "ngrok host, answer", b: in, method: "POST", path: "/dev/phone/answer", host: "example.ngrok.app", status: 404},
		{name: "ngrok host, press", b: in, method: "POST", path: "/dev/phone/press", host: "example.ngrok.app", status: 404},
		{name: "ngrok host, status", b: in, method: "POST", path: "/dev/phone/status", host: "example.ngrok.app", status: 404},
		{name: "a LAN address", b: in, method: "GET", path: "/dev/phone", host: "192.168.1.20" + port, status: 404},
		{name: "a name ending in localhost", b: in, method: "GET", path: "/dev/phone", host: "localhost.example.com", status: 404},
		{name: "Host rewritten by a tunnel", b: in, method: "GET", path: "/dev/phone", host: "localhost" + port,
			header: []string{"X-Forwarded-For", "203.0.113.9"}, status: 404},
		{name: "X-Forwarded-Host", b: in, method: "GET", path: "/dev/phone", header: []string{"X-Forwarded-Host", "example.ngrok.app"}, status: 404},
		{name: "Forwarded", b: in, method: "GET", path: "/dev/phone", header: []string{"Forwarded", "for=203.0.113.9"}, status: 404},
		{name: "ngrok host, no session", b: anon, method: "GET", path: "/dev/phone", host: "example.ngrok.app", status: 404},
		{name: "loopback, no session", b: anon, method: "GET", path: "/dev/phone", status: 303, to: "/login?next=%2Fdev%2Fphone"},
		{name: "loopback, no session, a button", b: anon, method: "POST", path: "/dev/phone/sms", status: 303, to: "/login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := devRequest(tt.b, tt.method, tt.path, tt.host, tt.header...)
			if res.StatusCode != tt.status {
				t.Fatalf("%s %s (Host %q): got %d, want %d", tt.method, tt.path, tt.host, res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Location"); tt.to != "" && got != tt.to {
				t.Errorf("Location = %q, want %q", got, tt.to)
			}
		})
	}
}

// TestDevPhoneAtTheCodeStep: a session that passed the password but not
// yet the code reads its code on the dev phone, since that is where it is.
func TestDevPhoneAtTheCodeStep(t *testing.T) {
	h := newDevPhoneHarness(t)
	h.setLevel(h.project.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", "correct horse battery")
	res, _ := b.get("/")
	expectRedirect(t, res, "/phone") // still short of the second factor
	if res, body := b.get("/dev/phone"); res.StatusCode != http.StatusOK || !strings.Contains(body, "Dev phone") {
		t.Errorf("GET /dev/phone at the enrollment step: got %d, want 200", res.StatusCode)
	}
}

// TestDevPhoneOffBehindPublicURL: in dev mode with a public URL that is not
// loopback (a tunnel), the dev phone is off even for a logged-in session on
// loopback.
func TestDevPhoneOffBehindPublicURL(t *testing.T) {
	tests := []struct {
		publicURL string
		on        bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"http://[::1]:8080", true},
		{"http://gate.example.com", false},
		{"http://192.168.1.20:8080", false},
		{"https://example.ngrok.app", false},
	}
	for _, tt := range tests {
		t.Run(tt.publicURL, func(t *testing.T) {
			srv, _ := newTestServer(t, func(c *handlers.Config) { c.PublicURL = tt.publicURL })
			if got := srv.DevTools(); got != tt.on {
				t.Errorf("DevTools() = %v, want %v", got, tt.on)
			}
		})
	}

	h := newHarness(t, func(c *handlers.Config) { c.PublicURL = "http://gate.example.com" })
	h.addUser("ada@example.com", "correct horse battery", "Apollo")
	b := h.browser()
	if res := b.login("ada@example.com", "correct horse battery"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	b.get("/")
	for _, rt := range [][2]string{{"GET", "/dev/phone"}, {"POST", "/dev/phone/sms"}, {"GET", "/dev/mail"}} {
		if res := devRequest(b, rt[0], rt[1], ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s behind a public URL: got %d, want 404", rt[0], rt[1], res.StatusCode)
		}
	}
}
