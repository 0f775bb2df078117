package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestProjectNameClash checks, on the pages, that two projects of one
// owner cannot share a name, at creation and at renaming, with a message
// that says why, and that nothing changes.
func TestProjectNameClash(t *testing.T) {
	h, p := team(t) // owner@ owns Engine
	ctx := context.Background()
	owner := h.as("owner@example.com")
	owner.get("/")
	settings := "/projects/" + strconvFormat(p.ID) + "/settings"
	tests := []struct {
		name  string
		path  string
		form  url.Values
		back  string // the page the answer leads to
		words string // what it says there; "" for a success
	}{
		{"create, other case", "/projects", url.Values{"name": {"ENGINE"}}, "/", "You already have a project named “ENGINE”"},
		{"create, same name", "/projects", url.Values{"name": {"Engine"}}, "/", "You already have a project named “Engine”"},
		{"create, new name", "/projects", url.Values{"name": {"Apollo"}}, "/projects/", ""},
		{"rename to another of mine", "/projects/" + strconvFormat(p.ID) + "/rename", url.Values{"name": {"apollo"}},
			settings, "You already have a project named “apollo”"},
		{"rename, bad name", "/projects/" + strconvFormat(p.ID) + "/rename", url.Values{"name": {"Call +14155550199"}},
			settings, "only letters, digits, spaces"},
		{"rename, own name in capitals", "/projects/" + strconvFormat(p.ID) + "/rename", url.Values{"name": {"ENGINE"}},
			settings, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, at, body := owner.follow(owner.post(tt.path, tt.form))
			body = html.UnescapeString(body)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(at, tt.back) || !strings.Contains(body, tt.words) {
				t.Errorf("POST %s %v: got %d to %s, want 303 to %s saying %q\n%s", tt.path, tt.form, res.StatusCode, at, tt.back, tt.words, body)
			}
			if tt.words != "" && !strings.Contains(body, `value="`+tt.form.Get("name")+`"`) {
				t.Errorf("the form lost what was typed")
			}
			if tt.words == "" && !strings.Contains(body, `class="flash"`) {
				t.Errorf("no confirmation after %s", tt.name)
			}
		})
	}
	ms, _ := h.db.Memberships(ctx, mustUser(t, h, "owner@example.com").ID)
	var names []string
	for _, m := range ms {
		names = append(names, m.Project.Name)
	}
	if got, want := strings.Join(names, ","), "Apollo,ENGINE"; got != want {
		t.Errorf("owner's projects = %s, want %s", got, want)
	}

	// An admin renaming the project to a name its owner uses elsewhere is
	// told it is an owner's.
	admin := h.as("admin@example.com")
	admin.get("/projects/" + strconvFormat(p.ID) + "/settings")
	_, _, body := admin.follow(admin.post("/projects/"+strconvFormat(p.ID)+"/rename", url.Values{"name": {"APOLLO"}}))
	if !strings.Contains(html.UnescapeString(body), "An owner of this project already has another project named “APOLLO”") {
		t.Errorf("admin's rename:\n%s", body)
	}
	// The admin owns an "engine" of their own: they cannot also become an
	// owner of ENGINE.
	admin.get("/")
	if res, _ := admin.post("/projects", url.Values{"name": {"engine"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the admin's own engine: %d", res.StatusCode)
	}
	owner.get("/projects/" + strconvFormat(p.ID) + "/members")
	_, _, body = owner.follow(owner.post("/projects/"+strconvFormat(p.ID)+"/members/role", url.Values{
		"user": {strconvFormat(mustUser(t, h, "admin@example.com").ID)}, "role": {"owner"}}))
	if !strings.Contains(html.UnescapeString(body), "admin@example.com already owns another project named “ENGINE”") {
		t.Errorf("making the admin an owner:\n%s", body)
	}
	// A developer may not rename.
	dev := h.as("dev@example.com")
	dev.get("/")
	if res, _ := dev.post("/projects/"+strconvFormat(p.ID)+"/rename", url.Values{"name": {"Mine"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("developer's rename: got %d, want 403", res.StatusCode)
	}
}

func mustUser(t *testing.T, h *twoFactor, email string) phonegate.User {
	t.Helper()
	u, err := h.db.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
