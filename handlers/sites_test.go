package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// elevate opens the settings of project id as b's user and authenticates
// to make changes, and returns the settings' path.
func elevate(t *testing.T, b *browser, id int64) string {
	t.Helper()
	path := "/projects/" + strconvFormat(id) + "/settings"
	b.get(path)
	if res, _ := b.post(path+"/authenticate", url.Values{"password": {goodPassword}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("authenticate: got %d, want 303", res.StatusCode)
	}
	b.get(path)
	return path
}

// siteHosts are the protected sites of project id, as stored.
func siteHosts(t *testing.T, h *twoFactor, id int64) []string {
	t.Helper()
	sites, err := h.db.Sites(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range sites {
		out = append(out, s.Host)
	}
	return out
}

// TestSettingsSitesAdd: an owner with an elevated session adds a hostname,
// which the page then lists; the same hostname again, from this project
// or another, and a URL instead of a hostname are refused beside the form,
// which keeps what was typed.
func TestSettingsSitesAdd(t *testing.T) {
	h, p := team(t)
	b := h.as("owner@example.com")
	path := elevate(t, b, p.ID)
	sites := "/projects/" + strconvFormat(p.ID) + "/sites"

	res, at, body := b.follow(b.post(sites, url.Values{"host": {" App.Example.com "}}))
	if res.StatusCode != http.StatusSeeOther || at != path {
		t.Fatalf("add: got %d to %q, want 303 to %s", res.StatusCode, at, path)
	}
	if want := "app.example.com is now protected by Engine."; !strings.Contains(body, want) {
		t.Errorf("the page after adding does not say %q:\n%s", want, body)
	}
	if !strings.Contains(body, "<code>app.example.com</code>") {
		t.Errorf("the page does not list the site:\n%s", body)
	}
	if diff := cmp.Diff([]string{"app.example.com"}, siteHosts(t, h, p.ID)); diff != "" {
		t.Errorf("sites (-want +got):\n%s", diff)
	}

	other := h.as("stranger@example.com")
	elsewhere, err := h.db.ProjectByName(context.Background(), "Elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		b     *browser
		id    int64
		host  string
		want  string
		typed string
	}{
		{"the same host again", b, p.ID, "app.example.com", "app.example.com is already a protected site.", "app.example.com"},
		{"another project's host", other, elsewhere.ID, "APP.example.com", "app.example.com is already a protected site.", "APP.example.com"},
		{"a URL", b, p.ID, "https://wiki.example.com/", "Enter a hostname such as app.example.com", "https://wiki.example.com/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := elevate(t, tt.b, tt.id)
			res, at, body := tt.b.follow(tt.b.post("/projects/"+strconvFormat(tt.id)+"/sites", url.Values{"host": {tt.host}}))
			expectFormError(t, res, at, body, path, tt.want)
			if want := `value="` + html.EscapeString(tt.typed) + `"`; !strings.Contains(body, want) {
				t.Errorf("the form does not keep what was typed (%s):\n%s", want, body)
			}
		})
	}
	if diff := cmp.Diff([]string{"app.example.com"}, siteHosts(t, h, p.ID)); diff != "" {
		t.Errorf("sites after the refusals (-want +got):\n%s", diff)
	}
	if got := siteHosts(t, h, elsewhere.ID); len(got) != 0 {
		t.Errorf("the other project got sites %q", got)
	}
}
