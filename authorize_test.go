package phonegate_test

import (
	"context"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// authzWorld is a code world whose project protects app.example.com, at
// level off, with a session of its owner started through the service.
type authzWorld struct {
	*codeWorld
	token string
}

func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	ctx := context.Background()
	w := &authzWorld{codeWorld: newCodeWorld(t)}
	if _, err := w.db.SetMFALevel(ctx, w.proj.ID, w.user.ID, string(phonegate.LevelOff), w.now); err != nil {
		t.Fatal(err)
	}
	owner := phonegate.Membership{Project: w.proj, UserID: w.user.ID, Role: phonegate.RoleOwner}
	if _, err := w.svc.AddSite(ctx, owner, w.user, phonegate.Session{ElevatedUntil: w.now.Add(time.Minute)}, "app.example.com"); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.token, _, err = w.svc.StartSession(ctx, w.user, "", "Firefox"); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *authzWorld) verdict(t *testing.T, token, host string) phonegate.AuthzResult {
	t.Helper()
	res, err := w.svc.Authorize(context.Background(), token, "", host)
	if err != nil {
		t.Fatalf("Authorize(%q): %v", host, err)
	}
	return res
}

// TestAuthorize: the verdict for each kind of visitor, and what an
// allowed one carries.
func TestAuthorize(t *testing.T) {
	ctx := context.Background()
	w := newAuthzWorld(t)
	eve, err := w.db.CreateUser(ctx, "eve@example.com", "", w.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.CreateProject(ctx, eve.ID, "Other", w.now); err != nil {
		t.Fatal(err)
	}
	eveToken, _, err := w.svc.StartSession(ctx, eve, "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, token, host string
		want              phonegate.Verdict
	}{
		{"a member", w.token, "app.example.com", phonegate.VerdictAllow},
		{"a member, host with a port", w.token, "APP.example.com:8443", phonegate.VerdictAllow},
		{"no session", "", "app.example.com", phonegate.VerdictLogin},
		{"an unknown token", "not-a-token", "app.example.com", phonegate.VerdictLogin},
		{"another project's member", eveToken, "app.example.com", phonegate.VerdictNotMember},
		{"an unknown host", w.token, "wiki.example.com", phonegate.VerdictUnknownHost},
		{"no host", w.token, "", phonegate.VerdictUnknownHost},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.verdict(t, tt.token, tt.host).Verdict; got != tt.want {
				t.Errorf("verdict: got %v, want %v", got, tt.want)
			}
		})
	}
	got := w.verdict(t, w.token, "app.example.com")
	if got.User.Email != "ada@example.com" || got.Role != phonegate.RoleOwner || got.Project.ID != w.proj.ID {
		t.Errorf("allowed: got user %q, role %q, project %d; want ada@example.com, owner, %d",
			got.User.Email, got.Role, got.Project.ID, w.proj.ID)
	}
}

// TestAuthorizeSeesChanges: a tightened level, a removed member and a
// logout each take effect at the next check.
func TestAuthorizeSeesChanges(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		change func(t *testing.T, w *authzWorld)
		want   phonegate.Verdict
	}{
		{"level tightened", func(t *testing.T, w *authzWorld) {
			if _, err := w.db.SetMFALevel(ctx, w.proj.ID, w.user.ID, string(phonegate.LevelEveryLogin), w.now); err != nil {
				t.Fatal(err)
			}
		}, phonegate.VerdictLogin},
		{"logged out", func(t *testing.T, w *authzWorld) {
			if err := w.svc.LogOut(ctx, w.token); err != nil {
				t.Fatal(err)
			}
		}, phonegate.VerdictLogin},
		{"member removed", func(t *testing.T, w *authzWorld) {
			bob, err := w.db.CreateUser(ctx, "bob@example.com", "h", w.now)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.ProvisionMember(ctx, bob.Email, w.proj.ID, phonegate.RoleDeveloper, nil, false, w.now.Add(time.Hour), w.now); err != nil {
				t.Fatal(err)
			}
			if w.token, _, err = w.svc.StartSession(ctx, bob, "", ""); err != nil {
				t.Fatal(err)
			}
			if got := w.verdict(t, w.token, "app.example.com").Verdict; got != phonegate.VerdictAllow {
				t.Fatalf("a member before removal: got %v, want VerdictAllow", got)
			}
			if err := w.db.RemoveMemberBy(ctx, w.proj.ID, bob.ID, w.user.ID, w.now); err != nil {
				t.Fatal(err)
			}
		}, phonegate.VerdictNotMember},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newAuthzWorld(t)
			if got := w.verdict(t, w.token, "app.example.com").Verdict; got != phonegate.VerdictAllow {
				t.Fatalf("before: got %v, want VerdictAllow", got)
			}
			tt.change(t, w)
			if got := w.verdict(t, w.token, "app.example.com").Verdict; got != tt.want {
				t.Errorf("after: got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAuthorizeWritesNothing: checks within a minute leave the session's
// row as it was; the first check after a minute moves its idle clock.
func TestAuthorizeWritesNothing(t *testing.T) {
	ctx := context.Background()
	w := newAuthzWorld(t)
	lastSeen := func() time.Time {
		ss, err := w.db.UserSessions(ctx, w.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			if s.UserAgent == "Firefox" {
				return s.LastSeenAt
			}
		}
		t.Fatalf("no session of the check among %+v", ss)
		return time.Time{}
	}
	start := lastSeen()
	for range 5 {
		w.now = w.now.Add(10 * time.Second)
		w.verdict(t, w.token, "app.example.com")
	}
	if got := lastSeen(); !got.Equal(start) {
		t.Errorf("last seen after checks within a minute: got %v, want %v", got, start)
	}
	w.now = w.now.Add(15 * time.Second)
	w.verdict(t, w.token, "app.example.com")
	if got, want := lastSeen(), w.now.Truncate(time.Second); !got.Equal(want) {
		t.Errorf("last seen after a minute: got %v, want %v", got, want)
	}
}
