package phonegate_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
)

func TestCheckCookieDomain(t *testing.T) {
	for _, tt := range []struct {
		name, domain, public string
		want                 string
		ok                   bool
	}{
		{"unset", "", "https://gate.example.com", "", true},
		{"parent of the gate", "example.com", "https://gate.example.com", "example.com", true},
		{"the gate's own host", "gate.example.com", "https://gate.example.com:8443", "gate.example.com", true},
		{"leading dot and case", " .Example.COM ", "http://gate.example.com", "example.com", true},
		{"another domain", "example.org", "https://gate.example.com", "", false},
		{"a suffix that is not a label", "ample.com", "https://gate.example.com", "", false},
		{"below the gate", "app.gate.example.com", "https://gate.example.com", "", false},
		{"an address", "127.0.0.1", "http://127.0.0.1:8080", "", false},
		{"one label", "localhost", "http://localhost:8080", "", false},
		{"a wildcard", "*.example.com", "https://gate.example.com", "", false},
		{"a port", "example.com:443", "https://gate.example.com", "", false},
		{"a URL", "https://example.com", "https://gate.example.com", "", false},
		{"a public suffix", "co.uk", "https://gate.example.co.uk", "", false},
		{"a shared hosting suffix", "github.io", "https://gate.github.io", "", false},
		{"a domain below a public suffix", "example.co.uk", "https://gate.example.co.uk", "example.co.uk", true},
		{"an unlisted top-level domain", "example.test", "http://gate.example.test", "example.test", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := phonegate.CheckCookieDomain(tt.domain, tt.public)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("CheckCookieDomain(%q, %q) = %q, %v; want %q, ok %v", tt.domain, tt.public, got, err, tt.want, tt.ok)
			}
		})
	}
}

// TestNewRefusesCookieDomainOutsidePublicURL: the service will not start
// with a cookie domain the browser would refuse.
func TestNewRefusesCookieDomainOutsidePublicURL(t *testing.T) {
	db, keys := openStore(t, 5)
	_, err := phonegate.New(phonegate.Config{Store: db, Sender: &recordingSender{}, Keys: keys,
		Hasher: phonegate.NewHasher(fast), Logger: zerolog.Nop(), PublicURL: "https://gate.example.com",
		CookieDomain: "example.org"})
	if err == nil || !strings.Contains(err.Error(), "does not cover") {
		t.Errorf("New with a cookie domain outside the public URL: err = %v, want a refusal", err)
	}
}

// TestAddSiteOutsideCookieDomain: with a cookie domain, a protected site
// must lie under it, with words that say why; without one, any host goes.
func TestAddSiteOutsideCookieDomain(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		domain string
		host   string
		ok     bool
	}{
		{"", "app.example.org", true},
		{"example.com", "app.example.com", true},
		{"example.com", "*.corp.example.com", true},
		{"example.com", "example.com", true},
		{"phonegate.example.com", "app.phonegate.example.com", true},
		{"example.com", "app.example.org", false},
		{"example.com", "app.myexample.com", false},
		{"example.com", "*.example.org", false},
		{"phonegate.example.com", "app.example.com", false},
	} {
		t.Run(tt.domain+" "+tt.host, func(t *testing.T) {
			w := newCodeWorldDomain(t, tt.domain)
			owner := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleOwner}
			elevated := phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}
			_, err := w.svc.AddSite(ctx, owner, w.user, elevated, tt.host)
			if tt.ok {
				if err != nil {
					t.Fatalf("AddSite(%q) = %v, want it added", tt.host, err)
				}
				return
			}
			if phonegate.ErrorCode(err) != phonegate.EInvalid {
				t.Fatalf("AddSite(%q) err = %v (code %s), want EInvalid", tt.host, err, phonegate.ErrorCode(err))
			}
			msg := phonegate.ErrorMessage(err)
			for _, want := range []string{"outside the cookie domain " + tt.domain, "would not send the login cookie"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
			if sites, err := w.svc.Sites(ctx, w.proj); err != nil || len(sites) != 0 {
				t.Errorf("Sites after the refusal = %+v, %v; want none", sites, err)
			}
		})
	}
}

// newCodeWorldDomain is newCodeWorld with a service whose session cookie
// is shared with domain (its public URL is https://phonegate.example.com).
func newCodeWorldDomain(t *testing.T, domain string) *codeWorld {
	t.Helper()
	w := newCodeWorld(t)
	var err error
	w.svc, err = phonegate.New(phonegate.Config{Store: w.db, Sender: w.sender, Keys: w.keys,
		Hasher: phonegate.NewHasher(fast), Now: func() time.Time { return w.now },
		Logger: zerolog.Nop(), PublicURL: "https://phonegate.example.com", CookieDomain: domain})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.svc.CookieDomain(); got != domain {
		t.Fatalf("CookieDomain() = %q, want %q", got, domain)
	}
	return w
}
