package phonegate_test

import (
	"context"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
)

// returnWorld is a store with the protected sites app.example.com and
// *.corp.example.com, and services on it that differ in where the gate is
// served and in dev mode.
type returnWorld struct {
	w         *codeWorld
	https     *phonegate.Service // PUBLIC_URL https, not dev mode
	plainHTTP *phonegate.Service // PUBLIC_URL http
	dev       *phonegate.Service // PUBLIC_URL https, dev mode
}

func newReturnWorld(t *testing.T) *returnWorld {
	t.Helper()
	w := newCodeWorld(t)
	owner := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleOwner}
	elevated := phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}
	for _, h := range []string{"app.example.com", "*.corp.example.com"} {
		if _, err := w.svc.AddSite(context.Background(), owner, w.user, elevated, h); err != nil {
			t.Fatal(err)
		}
	}
	svc := func(public string, dev bool) *phonegate.Service {
		s, err := phonegate.New(phonegate.Config{Store: w.db, Sender: w.sender, Keys: w.keys,
			Hasher: phonegate.NewHasher(fast), Now: func() time.Time { return w.now },
			Logger: zerolog.Nop(), PublicURL: public, DevMode: dev})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	return &returnWorld{w: w, https: svc("https://gate.example.com", false),
		plainHTTP: svc("http://gate.example.com", false), dev: svc("https://gate.example.com", true)}
}

// TestReturnURL: only an https (or allowed http) URL of a protected host
// is followed, as a browser would read it; every way of naming another
// host, or of being read otherwise by a browser, is refused.
func TestReturnURL(t *testing.T) {
	rw := newReturnWorld(t)
	for _, tt := range []struct {
		name, rd string
		want     string // "" when refused
	}{
		{"protected site", "https://app.example.com/dash?x=1#top", "https://app.example.com/dash?x=1#top"},
		{"no path", "https://app.example.com", "https://app.example.com"},
		{"a port", "https://app.example.com:8443/x", "https://app.example.com:8443/x"},
		{"upper case", "HTTPS://APP.Example.COM/Path", "https://app.example.com/Path"},
		{"wildcard subdomain", "https://wiki.corp.example.com/page", "https://wiki.corp.example.com/page"},
		{"wildcard parent", "https://corp.example.com/", ""},
		{"wildcard two levels", "https://a.b.corp.example.com/", ""},
		{"empty", "", ""},
		{"scheme-relative", "//evil", ""},
		{"scheme-relative site", "//app.example.com/", ""},
		{"local path", "/account", ""},
		{"unprotected host", "https://evil.com", ""},
		{"look-alike suffix", "https://app.example.com.evil.com/", ""},
		{"backslash host", "https://app.example.com\\@evil.com/", ""},
		{"backslashes", "https:\\\\evil.com", ""},
		{"backslash in path", "https://app.example.com/\\evil.com", ""},
		{"tab", "https://app.example.com\t.evil.com/", ""},
		{"tab in scheme", "ht\ttps://app.example.com/", ""},
		{"newline", "https://app.example.com/\n", ""},
		{"space", " https://app.example.com/", ""},
		{"userinfo", "https://user@app.example.com/", ""},
		{"userinfo of evil", "https://app.example.com@evil.com/", ""},
		{"userinfo and password", "https://user:pw@app.example.com/", ""},
		{"percent-encoded host", "https://%61pp.example.com/", ""},
		{"percent-encoded dot", "https://app%2eexample.com/", ""},
		{"bad port", "https://app.example.com:evil/", ""},
		{"port out of range", "https://app.example.com:70000/", ""},
		{"two colons", "https://app.example.com:1:2/", ""},
		{"empty port", "https://app.example.com:/", ""},
		{"address", "https://127.0.0.1/", ""},
		{"bracketed address", "https://[::1]/", ""},
		{"http when not allowed", "http://app.example.com/", ""},
		{"javascript", "javascript://app.example.com/%0aalert(1)", ""},
		{"no slashes", "https:app.example.com", ""},
		{"three slashes", "https:///app.example.com", ""},
		{"non-ASCII", "https://app.example.com/é", ""},
		{"too long", "https://app.example.com/" + string(make([]byte, 2048)), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := rw.https.ReturnURL(context.Background(), tt.rd)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("ReturnURL(%q) = %q, %v; want %q, %v", tt.rd, got, ok, tt.want, tt.want != "")
			}
		})
	}
}

// TestReturnURLPlainHTTP: http is followed in dev mode and when the gate
// itself is served over http, never otherwise.
func TestReturnURLPlainHTTP(t *testing.T) {
	rw := newReturnWorld(t)
	const rd = "http://app.example.com/x"
	for _, tt := range []struct {
		name string
		svc  *phonegate.Service
		ok   bool
	}{
		{"https gate", rw.https, false},
		{"http gate", rw.plainHTTP, true},
		{"dev mode", rw.dev, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.svc.ReturnURL(context.Background(), rd)
			if ok != tt.ok || ok && got != rd {
				t.Errorf("ReturnURL(%q) = %q, %v; want ok %v", rd, got, ok, tt.ok)
			}
		})
	}
}
