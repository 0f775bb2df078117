package handlers_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// follow takes the answer to a form (b.post's) and, when it is the 303 of
// post, redirect, get, opens the page it sends to, as a browser does: it
// returns the form's answer, where it sent the browser and the page there.
func (b *browser) follow(res *http.Response, body string) (*http.Response, string, string) {
	b.h.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		return res, "", body
	}
	loc := res.Header.Get("Location")
	u, err := url.Parse(loc)
	if err != nil {
		b.h.t.Fatalf("Location %q: %v", loc, err)
	}
	_, page := b.get(u.RequestURI())
	return res, u.Path, page
}

// expectFormError checks that a form's error was answered with 303 to
// wantPath and that the page there says want.
func expectFormError(t *testing.T, res *http.Response, path, page, wantPath, want string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || path != wantPath {
		t.Errorf("got %d to %q, want 303 to %s", res.StatusCode, path, wantPath)
		return
	}
	if !strings.Contains(page, html.EscapeString(want)) {
		t.Errorf("the page after the redirect does not say %q:\n%s", want, page)
	}
}

// expectLoginRefused checks the answer to a login form that must fail:
// 303 back to the login page, which says why.
func expectLoginRefused(t *testing.T, res *http.Response) {
	t.Helper()
	loc, _ := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || loc == nil || loc.Path != "/login" {
		t.Errorf("login: got %d to %q, want 303 back to /login", res.StatusCode, res.Header.Get("Location"))
	}
}

// loggedIn reports whether the answer to a login form let the user in:
// 303 away from the login page, which a refused login also answers with.
func loggedIn(res *http.Response) bool {
	loc, _ := url.Parse(res.Header.Get("Location"))
	return res.StatusCode == http.StatusSeeOther && loc != nil && loc.Path != "/login"
}

// refused reports whether the answer to a login form refused it: 303 back
// to the login page, where the reason is shown.
func refused(res *http.Response) bool {
	loc, _ := url.Parse(res.Header.Get("Location"))
	return res.StatusCode == http.StatusSeeOther && loc != nil && loc.Path == "/login"
}

// expectLoggedIn fails unless the answer to a login form let the user in.
func expectLoggedIn(t *testing.T, res *http.Response) {
	t.Helper()
	if !loggedIn(res) {
		t.Fatalf("login: got %d to %q, want 303 in", res.StatusCode, res.Header.Get("Location"))
	}
}
