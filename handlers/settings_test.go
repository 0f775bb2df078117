package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// team makes a project owned by owner@ with admin@ and dev@, and a
// stranger@ with a project of their own. All have passwords, no 2FA.
func team(t *testing.T, opts ...harnessOption) (*twoFactor, phonegate.Project) {
	t.Helper()
	h := newTwoFactor(t, opts...)
	_, p := h.addUser("owner@example.com", goodPassword, "Engine")
	for _, m := range []struct{ email, role string }{{"admin@example.com", "admin"}, {"dev@example.com", "developer"}} {
		u, _ := h.addUser(m.email, goodPassword, m.email+"'s own")
		if err := h.db.AddMember(context.Background(), p.ID, u.ID, m.role, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	h.addUser("stranger@example.com", goodPassword, "Elsewhere")
	return h, p
}

func (h *twoFactor) as(email string) *browser {
	h.t.Helper()
	b := h.browser()
	if res := b.login(email, goodPassword); !loggedIn(res) {
		h.t.Fatalf("login %s: got %d", email, res.StatusCode)
	}
	return b
}

func TestSettingsAccess(t *testing.T) {
	tests := []struct {
		email      string
		view       int
		form       bool // the page offers to authenticate and change
		authStatus int
	}{
		{"owner@example.com", http.StatusOK, true, http.StatusSeeOther},
		{"admin@example.com", http.StatusOK, true, http.StatusSeeOther},
		{"dev@example.com", http.StatusOK, false, http.StatusForbidden},
		{"stranger@example.com", http.StatusNotFound, false, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			h, p := team(t)
			b := h.as(tt.email)
			path := "/projects/" + strconvFormat(p.ID) + "/settings"
			res, body := b.get(path)
			if res.StatusCode != tt.view {
				t.Fatalf("GET settings: got %d, want %d", res.StatusCode, tt.view)
			}
			if got := strings.Contains(body, "Authenticate to make changes"); got != tt.form {
				t.Errorf("offers to authenticate = %v, want %v", got, tt.form)
			}
			if tt.view == http.StatusOK && !strings.Contains(body, `id="level">Off<`) {
				t.Errorf("the page does not show the level")
			}
			b.get("/")
			if res, _ := b.post(path+"/authenticate", url.Values{"password": {goodPassword}}); res.StatusCode != tt.authStatus {
				t.Errorf("authenticate: got %d, want %d", res.StatusCode, tt.authStatus)
			}
			res, _ = b.post(path, url.Values{"level": {"every_login"}})
			if tt.authStatus == http.StatusSeeOther {
				// Without a phone yet, the phone page comes first (TestTurningTwoFactorOn).
				expectRedirect(t, res, "/phone?on="+strconvFormat(p.ID))
			} else if res.StatusCode != tt.authStatus {
				t.Errorf("save: got %d, want %d", res.StatusCode, tt.authStatus)
			}
			got, _ := h.db.Project(context.Background(), p.ID)
			if want := map[bool]string{true: "every_login", false: "off"}[tt.form]; got.MFALevel != want {
				t.Errorf("level = %q, want %q", got.MFALevel, want)
			}
		})
	}
}

func TestSettingsElevation(t *testing.T) {
	tests := []struct {
		name     string
		password string
		after    time.Duration
		want     int
	}{
		{"no authentication", "", 0, http.StatusForbidden},
		{"wrong password", "not my password at all", 0, http.StatusForbidden},
		{"at once", goodPassword, 0, http.StatusSeeOther},
		{"9:59 later", goodPassword, 9*time.Minute + 59*time.Second, http.StatusSeeOther},
		{"10:01 later", goodPassword, 10*time.Minute + time.Second, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, p := team(t)
			b := h.as("owner@example.com")
			path := "/projects/" + strconvFormat(p.ID) + "/settings"
			b.get(path)
			if tt.password != "" {
				res, at, body := b.follow(b.post(path+"/authenticate", url.Values{"password": {tt.password}}))
				if tt.password != goodPassword {
					expectFormError(t, res, at, body, path, "That password is not right.")
				}
			}
			h.clock.Add(tt.after)
			b.get(path)
			// Saved or refused, the answer is 303 back to the settings page;
			// a refusal says there why.
			res, at, body := b.follow(b.post(path, url.Values{"level": {"per_computer"}}))
			// Saved, the owner, who has no phone yet, is sent to verify one
			// (TestTurningTwoFactorOn); refused, back to the settings page.
			if want := map[bool]string{true: "/phone", false: path}[tt.want == http.StatusSeeOther]; res.StatusCode != http.StatusSeeOther || at != want {
				t.Fatalf("save: got %d to %q, want 303 to %s", res.StatusCode, at, want)
			}
			refused := strings.Contains(body, "then save again")
			if refused != (tt.want == http.StatusForbidden) {
				t.Errorf("save refused: got %v, want %v\n%s", refused, tt.want == http.StatusForbidden, body)
			}
			got, _ := h.db.Project(context.Background(), p.ID)
			if changed := got.MFALevel == "per_computer"; changed != (tt.want == http.StatusSeeOther) {
				t.Errorf("level = %q after a save that should have been refused: %v", got.MFALevel, tt.want == http.StatusForbidden)
			}
		})
	}
}

func TestSettingsAudited(t *testing.T) {
	h, p := team(t)
	b := h.as("admin@example.com")
	path := "/projects/" + strconvFormat(p.ID) + "/settings"
	b.get(path)
	b.post(path+"/authenticate", url.Values{"password": {goodPassword}})
	for _, level := range []string{"every_30_days", "every_login", "off"} {
		b.get(path)
		res, _ := b.post(path, url.Values{"level": {level}})
		if level == "every_30_days" {
			expectRedirect(t, res, "/phone?on=")
		} else {
			expectRedirect(t, res, path)
		}
		if level == "every_30_days" {
			// The admin must now verify a phone before going on.
			h.enroll(b, testPhone)
		}
	}
	es, _ := h.db.AuditEvents(context.Background(), p.ID, 0, 100)
	var got []string
	for _, e := range es {
		if e.Kind == "2fa.level" {
			got = append(got, e.ActorEmail+": "+e.Detail)
		}
	}
	want := []string{
		"admin@example.com: every_login → off",
		"admin@example.com: every_30_days → every_login",
		"admin@example.com: off → every_30_days",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("level changes audited (-want +got):\n%s", diff)
	}
	res, at, body := b.follow(b.post(path, url.Values{"level": {"sometimes"}}))
	expectFormError(t, res, at, body, path, "Choose one of the levels.")
}
