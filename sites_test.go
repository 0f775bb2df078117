package phonegate_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

func TestNormalizeSiteHost(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"app.example.com", "app.example.com"},
		{" App.Example.COM. ", "app.example.com"},
		{"*.example.com", "*.example.com"},
		{"a-b.example.com", "a-b.example.com"},
		{"example", ""},
		{"*.com", ""},
		{"*", ""},
		{"app.example.com:443", ""},
		{"https://app.example.com", ""},
		{"127.0.0.1", ""},
		{"-app.example.com", ""},
		{"app..example.com", ""},
		{"app.exa mple.com", ""},
		{"a.*.example.com", ""},
	} {
		if got := phonegate.NormalizeSiteHost(tt.in); got != tt.want {
			t.Errorf("NormalizeSiteHost(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSiteProject: an exact site, a wildcard of one level, and nothing
// else (the parent, two levels down, a look-alike suffix, an address).
func TestSiteProject(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	owner := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleOwner}
	elevated := phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}
	for _, h := range []string{"app.example.com", "*.corp.example.com"} {
		if _, err := w.svc.AddSite(ctx, owner, w.user, elevated, h); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		host string
		ok   bool
	}{
		{"app.example.com", true},
		{"APP.example.com:8443", true},
		{"wiki.corp.example.com", true},
		{"corp.example.com", false},
		{"a.b.corp.example.com", false},
		{"app.example.com.evil.com", false},
		{"example.com", false},
		{"127.0.0.1", false},
		{"", false},
	} {
		p, err := w.svc.SiteProject(ctx, tt.host)
		if tt.ok && (err != nil || p.ID != w.proj.ID) {
			t.Errorf("SiteProject(%q) = %+v, %v; want project %d", tt.host, p, err, w.proj.ID)
		}
		if !tt.ok && !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("SiteProject(%q) err = %v, want ErrNotFound", tt.host, err)
		}
	}
}

// TestAddSiteRules: only an owner or admin, only elevated, only a
// hostname, and a host protected once.
func TestAddSiteRules(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	owner := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleOwner}
	dev := owner
	dev.Role = phonegate.RoleDeveloper
	elevated := phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}
	for _, tt := range []struct {
		name string
		m    phonegate.Membership
		sess phonegate.Session
		host string
		code string
	}{
		{"developer", dev, elevated, "app.example.com", phonegate.EForbidden},
		{"not elevated", owner, phonegate.Session{}, "app.example.com", phonegate.EForbidden},
		{"not a hostname", owner, elevated, "https://app.example.com/", phonegate.EInvalid},
	} {
		if _, err := w.svc.AddSite(ctx, tt.m, w.user, tt.sess, tt.host); phonegate.ErrorCode(err) != tt.code {
			t.Errorf("%s: err = %v (code %s), want code %s", tt.name, err, phonegate.ErrorCode(err), tt.code)
		}
	}
	if got, err := w.svc.AddSite(ctx, owner, w.user, elevated, "App.Example.com"); err != nil || got != "app.example.com" {
		t.Fatalf("AddSite = %q, %v", got, err)
	}
	if _, err := w.svc.AddSite(ctx, owner, w.user, elevated, "app.example.com"); phonegate.ErrorCode(err) != phonegate.EConflict {
		t.Errorf("the same host twice: err = %v, want EConflict", err)
	}
	if err := w.svc.RemoveSite(ctx, owner, w.user, elevated, "app.example.com"); err != nil {
		t.Fatal(err)
	}
	if sites, err := w.svc.Sites(ctx, w.proj); err != nil || len(sites) != 0 {
		t.Errorf("Sites after removal = %+v, %v", sites, err)
	}
}
