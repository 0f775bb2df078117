package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestCookieDomainUsageErrors: a PHONEGATE_COOKIE_DOMAIN that the gate
// refuses stops the program with a usage error (exit status 2) of one
// line that names the variable and says what is wrong with it, before
// anything listens.
func TestCookieDomainUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		name, domain, public string
		want                 []string // in the message
	}{
		{"a public suffix", "co.uk", "https://gate.example.co.uk",
			[]string{"PHONEGATE_COOKIE_DOMAIN: the cookie domain co.uk is a public suffix", "browsers refuse a cookie for it", "such as example.co.uk"}},
		{"a shared hosting suffix", "github.io", "https://gate.github.io",
			[]string{"the cookie domain github.io is a public suffix"}},
		{"outside the public URL", "example.org", "https://gate.example.com",
			[]string{"PHONEGATE_COOKIE_DOMAIN: the cookie domain example.org does not cover the public URL's host gate.example.com",
				"use a public URL under example.org, or a domain that contains gate.example.com"}},
		{"a suffix that is not a whole label", "ample.com", "https://gate.example.com",
			[]string{"the cookie domain ample.com does not cover the public URL's host gate.example.com"}},
		{"below the gate's host", "app.gate.example.com", "https://gate.example.com",
			[]string{"does not cover the public URL's host gate.example.com"}},
		{"one label", "localhost", "http://localhost:8080",
			[]string{`PHONEGATE_COOKIE_DOMAIN: the cookie domain must be a domain name such as example.com, got "localhost"`}},
		{"an address", "127.0.0.1", "http://127.0.0.1:8080",
			[]string{`must be a domain name such as example.com, got "127.0.0.1"`}},
		{"a port", "example.com:443", "https://gate.example.com",
			[]string{`must be a domain name such as example.com, got "example.com:443"`}},
		{"a URL", "https://example.com", "https://gate.example.com",
			[]string{`must be a domain name such as example.com, got "https://example.com"`}},
		{"a wildcard", "*.example.com", "https://gate.example.com",
			[]string{`must be a domain name such as example.com, got "*.example.com"`}},
		{"no PUBLIC_URL", "example.com", "",
			[]string{"PHONEGATE_COOKIE_DOMAIN: the cookie domain example.com needs the gate served under it, but PUBLIC_URL is unset and the gate is at http://127.0.0.1:",
				"set PUBLIC_URL to the gate's URL under example.com, such as https://gate.example.com"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := map[string]string{
				"PHONEGATE_DB":            filepath.Join(t.TempDir(), "x.db"),
				"PHONEGATE_ADDR":          "127.0.0.1:0",
				"PHONEGATE_NGROK_API":     "http://127.0.0.1:1/api/tunnels",
				"PHONEGATE_COOKIE_DOMAIN": tt.domain,
				"PUBLIC_URL":              tt.public,
			}
			err := run(context.Background(), nil, env(e), strings.NewReader(""), io.Discard, io.Discard)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usageError (exit status 2)", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(ue.msg, want) {
					t.Errorf("message %q\nlacks %q", ue.msg, want)
				}
			}
			if strings.Contains(ue.msg, "\n") || strings.Contains(ue.msg, "Config.") {
				t.Errorf("message %q is not one line in the user's terms", ue.msg)
			}
		})
	}
}

// TestCookieDomainAccepted: a domain that covers PUBLIC_URL's host is
// kept as the session cookie will name it.
func TestCookieDomainAccepted(t *testing.T) {
	for _, tt := range []struct{ domain, public, want string }{
		{"example.com", "https://gate.example.com", "example.com"},
		{" .Example.COM ", "https://gate.example.com", "example.com"},
		{"gate.example.com", "https://gate.example.com:8443", "gate.example.com"},
		{"example.co.uk", "https://gate.example.co.uk", "example.co.uk"},
		{"", "https://gate.example.com", ""},
	} {
		c, err := parseConfig(env(map[string]string{"PHONEGATE_COOKIE_DOMAIN": tt.domain, "PUBLIC_URL": tt.public}))
		if err != nil || c.CookieDomain != tt.want {
			t.Errorf("PHONEGATE_COOKIE_DOMAIN=%q PUBLIC_URL=%s: got %q, %v; want %q", tt.domain, tt.public, c.CookieDomain, err, tt.want)
		}
	}
}
