package phonegate_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

func TestIsSID(t *testing.T) {
	for _, tt := range []struct {
		sid, prefix string
		want        bool
	}{
		{"SK0123456789abcdef0123456789abcdef", "SK", true},
		{"SK0123456789ABCDEF0123456789ABCDEF", "SK", true},
		{"AC0123456789abcdef0123456789abcdef", "SK", false},
		{"SK0123456789abcdef0123456789abcde", "SK", false},
		{"SK0123456789abcdef0123456789abcdeg", "SK", false},
		{"", "SK", false},
	} {
		if got := phonegate.IsSID(tt.sid, tt.prefix); got != tt.want {
			t.Errorf("IsSID(%q, %q) = %v, want %v", tt.sid, tt.prefix, got, tt.want)
		}
	}
}

// TestCreateVerifyServiceRules: Twilio's rules for a service's name and
// code length, each refusal "Invalid parameter: <name>".
func TestCreateVerifyServiceRules(t *testing.T) {
	w := newCodeWorld(t)
	p := phonegate.APIPrincipal{ProjectID: w.proj.ID, AccountSID: "AC01", KeySID: "SK01"}
	for _, tt := range []struct {
		name     string
		friendly string
		length   int
		want     int    // the code length made; 0 for a refusal
		param    string // the parameter refused
	}{
		{"defaults", "Apollo", 0, 6, ""},
		{"four", "Apollo", 4, 4, ""},
		{"ten", "Apollo", 10, 10, ""},
		{"three", "Apollo", 3, 0, "CodeLength"},
		{"eleven", "Apollo", 11, 0, "CodeLength"},
		{"negative", "Apollo", -6, 0, "CodeLength"},
		{"letters of any script, dashes, underscores", "Café_Ünïcode-App", 0, 6, ""},
		{"four digits", "App 2026", 0, 6, ""},
		{"five digits", "App 20261", 0, 0, "FriendlyName"},
		{"thirty characters", strings.Repeat("é", 30), 0, 6, ""},
		{"thirty-one", strings.Repeat("é", 31), 0, 0, "FriendlyName"},
		{"blank", " \t", 0, 0, "FriendlyName"},
		{"a link", "go.example.com", 0, 0, "FriendlyName"},
		{"a newline", "App\nCall us", 0, 0, "FriendlyName"},
		{"markup", "<b>App</b>", 0, 0, "FriendlyName"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := w.svc.CreateVerifyService(context.Background(), p, tt.friendly, tt.length)
			if tt.param != "" {
				if got, want := phonegate.ErrorMessage(err), "Invalid parameter: "+tt.param; got != want ||
					phonegate.ErrorCode(err) != phonegate.EInvalid {
					t.Errorf("err = %v (%s), want %q", err, phonegate.ErrorCode(err), want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.CodeLength != tt.want || !phonegate.IsSID(v.SID, phonegate.PrefixVerifyService) ||
				v.FriendlyName != strings.TrimSpace(tt.friendly) {
				t.Errorf("made %+v, want code length %d", v, tt.want)
			}
		})
	}
}

// TestAuthenticateAPI: the key's SID or its account's with the secret;
// a revoked key, another account, a wrong secret are ErrAPIAuth.
func TestAuthenticateAPI(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	owner := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleOwner}
	elevated := phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}
	k, err := w.svc.CreateAPIKey(ctx, owner, w.user, elevated, "web")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreateAPIKey(ctx, owner, w.user, phonegate.Session{}, "web"); !errors.Is(err, phonegate.ErrNotElevated) {
		t.Errorf("a key without elevation: err = %v, want ErrNotElevated", err)
	}
	dev := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleDeveloper}
	if _, err := w.svc.CreateAPIKey(ctx, dev, w.user, elevated, "web"); !errors.Is(err, phonegate.ErrNotManager) {
		t.Errorf("a developer's key: err = %v, want ErrNotManager", err)
	}
	want := phonegate.APIPrincipal{ProjectID: w.proj.ID, AccountSID: k.AccountSID, KeySID: k.SID}
	for _, user := range []string{k.SID, k.AccountSID} {
		if got, err := w.svc.AuthenticateAPI(ctx, user, k.Secret, "192.0.2.1"); err != nil || got != want {
			t.Errorf("AuthenticateAPI(%s) = %+v, %v; want %+v", user, got, err, want)
		}
	}
	if err := w.svc.RevokeAPIKey(ctx, owner, w.user, elevated, k.SID); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{k.SID, k.AccountSID} {
		if _, err := w.svc.AuthenticateAPI(ctx, user, k.Secret, "192.0.2.1"); !errors.Is(err, phonegate.ErrAPIAuth) {
			t.Errorf("a revoked key as %s: err = %v, want ErrAPIAuth", user, err)
		}
	}
	if k.Secret == "" || strings.ContainsFunc(k.Secret, func(r rune) bool { return !strings.ContainsRune("0123456789abcdef", r) }) ||
		len(k.Secret) != 64 {
		t.Errorf("secret %q, want 64 hex digits (32 random bytes, letters and digits only for twilio-go)", k.Secret)
	}
	if stored, err := w.db.APIKey(ctx, k.SID); err != nil || strings.Contains(string(stored.SecretMAC), k.Secret) {
		t.Errorf("the store keeps %x, %v; want a MAC, never the secret", stored.SecretMAC, err)
	}
}
