package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// TestSessionCookieDomain: the session cookie's name and Domain with and
// without a cookie domain, on http and https; the other cookies stay the
// gate's own.
func TestSessionCookieDomain(t *testing.T) {
	for _, tt := range []struct {
		publicURL, domain string
		name              string
		secure            bool
	}{
		{"http://gate.example.test:8080", "", "phonegate_session", false},
		{"https://gate.example.test", "", "__Host-phonegate_session", true},
		{"http://gate.example.test:8080", "example.test", "phonegate_shared_session", false},
		{"https://gate.example.test", "example.test", "__Secure-phonegate_session", true},
	} {
		t.Run(tt.publicURL+" "+tt.domain, func(t *testing.T) {
			h := newHarness(t, func(c *handlers.Config) { c.PublicURL, c.CookieDomain = tt.publicURL, tt.domain })
			h.addUser("ada@example.com", goodPassword, "P")
			res := h.browser().login("ada@example.com", goodPassword)
			var session *http.Cookie
			for _, c := range res.Cookies() {
				if c.Name == tt.name {
					session = c
				} else if c.Domain != "" {
					t.Errorf("cookie %s names Domain %q, want none", c.Name, c.Domain)
				}
			}
			if session == nil {
				t.Fatalf("no %s cookie in %q", tt.name, res.Header.Values("Set-Cookie"))
			}
			if got, want := session.Domain, tt.domain; got != want {
				t.Errorf("Domain = %q, want %q", got, want)
			}
			if got, want := session.Secure, tt.secure; got != want {
				t.Errorf("Secure = %v, want %v", got, want)
			}
			if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/", session)
			}
		})
	}
}

// TestCookieDomainOutsidePublicURL: a cookie domain that does not cover
// the public URL's host is refused at start, with the reason.
func TestCookieDomainOutsidePublicURL(t *testing.T) {
	_, db := newTestServer(t)
	cfg := handlers.Config{Store: db, Logger: zerolog.Nop(), Hasher: phonegate.NewHasher(testArgon2), Keys: testKeys(t),
		PublicURL: "https://gate.example.test", CookieDomain: "example.org", DevMode: true}
	if _, err := handlers.New(cfg); err == nil || !strings.Contains(err.Error(), "does not cover") {
		t.Errorf("New: err = %v, want a refusal that says the domain does not cover the public URL", err)
	}
}
