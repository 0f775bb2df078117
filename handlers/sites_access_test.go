package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSettingsSitesAccess: every member sees the project's protected
// sites; only an owner or admin whose session authenticated to make
// changes gets the forms and may add or remove one. A manager who did not
// authenticate is asked to; a developer is refused; a stranger sees no
// such project.
func TestSettingsSitesAccess(t *testing.T) {
	tests := []struct {
		email   string
		elevate bool
		view    int
		forms   bool
		says    string // on the page, in the section
		post    int    // the answer to either form
		changed bool
		refusal string // said on the settings page after the refused form
	}{
		{"owner@example.com", true, http.StatusOK, true, "", http.StatusSeeOther, true, ""},
		{"admin@example.com", true, http.StatusOK, true, "", http.StatusSeeOther, true, ""},
		{"owner@example.com", false, http.StatusOK, false, "Authenticate to make changes, above",
			http.StatusSeeOther, false, "Authenticate to make changes: enter your password, then save again."},
		{"dev@example.com", false, http.StatusOK, false, "Only the project's owners and admins can change these.",
			http.StatusForbidden, false, ""},
		{"stranger@example.com", false, http.StatusNotFound, false, "", http.StatusNotFound, false, ""},
	}
	for _, tt := range tests {
		name := tt.email
		if tt.elevate {
			name += " authenticated"
		}
		t.Run(name, func(t *testing.T) {
			h, p := team(t)
			if err := h.db.AddSite(context.Background(), "wiki.example.com", p.ID, 0, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
			b := h.as(tt.email)
			path := "/projects/" + strconvFormat(p.ID) + "/settings"
			if tt.elevate {
				elevate(t, b, p.ID)
			}
			res, body := b.get(path)
			if res.StatusCode != tt.view {
				t.Fatalf("GET settings: got %d, want %d", res.StatusCode, tt.view)
			}
			if tt.view == http.StatusOK && !strings.Contains(body, "<code>wiki.example.com</code>") {
				t.Errorf("the page does not list the site:\n%s", body)
			}
			forms := strings.Contains(body, `id="site-form"`) || strings.Contains(body, "/sites/remove")
			if forms != tt.forms {
				t.Errorf("the page offers the site forms = %v, want %v", forms, tt.forms)
			}
			if !strings.Contains(body, tt.says) {
				t.Errorf("the page does not say %q:\n%s", tt.says, body)
			}
			if tt.view != http.StatusOK {
				b.get("/") // a CSRF token for the forms
			}
			sites := "/projects/" + strconvFormat(p.ID) + "/sites"
			for _, form := range []struct {
				path string
				host string
			}{{sites, "app.example.com"}, {sites + "/remove", "wiki.example.com"}} {
				res, at, body := b.follow(b.post(form.path, url.Values{"host": {form.host}}))
				if res.StatusCode != tt.post {
					t.Errorf("POST %s: got %d, want %d", form.path, res.StatusCode, tt.post)
				}
				if tt.refusal != "" {
					expectFormError(t, res, at, body, path, tt.refusal)
				}
			}
			want := []string{"wiki.example.com"}
			if tt.changed {
				want = []string{"app.example.com"}
			}
			if diff := cmp.Diff(want, siteHosts(t, h, p.ID)); diff != "" {
				t.Errorf("sites (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSettingsSitesRemove: a site removed leaves the list, a hostname the
// project does not protect is said beside the list, and the audit log says
// both changes in words, with who made them.
func TestSettingsSitesRemove(t *testing.T) {
	h, p := team(t)
	b := h.as("admin@example.com")
	path := elevate(t, b, p.ID)
	sites := "/projects/" + strconvFormat(p.ID) + "/sites"
	b.post(sites, url.Values{"host": {"wiki.example.com"}})
	b.get(path)

	res, at, body := b.follow(b.post(sites+"/remove", url.Values{"host": {"other.example.com"}}))
	expectFormError(t, res, at, body, path, "That hostname is not one of this project's protected sites.")

	res, at, body = b.follow(b.post(sites+"/remove", url.Values{"host": {"wiki.example.com"}}))
	if res.StatusCode != http.StatusSeeOther || at != path {
		t.Fatalf("remove: got %d to %q, want 303 to %s", res.StatusCode, at, path)
	}
	if want := "wiki.example.com is no longer protected by Engine."; !strings.Contains(body, want) {
		t.Errorf("the page after removing does not say %q:\n%s", want, body)
	}
	if !strings.Contains(body, "No protected sites yet.") || strings.Contains(body, "<code>wiki.example.com</code>") {
		t.Errorf("the page still lists the site:\n%s", body)
	}
	if got := siteHosts(t, h, p.ID); len(got) != 0 {
		t.Errorf("sites after removal = %q, want none", got)
	}

	_, audit := b.get("/projects/" + strconvFormat(p.ID) + "/audit")
	for _, want := range []string{
		"<td>Protected site added</td><td></td><td>admin@example.com</td><td>wiki.example.com</td>",
		"<td>Protected site removed</td><td></td><td>admin@example.com</td><td>wiki.example.com</td>",
	} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log does not show %s:\n%s", want, audit)
		}
	}
}
