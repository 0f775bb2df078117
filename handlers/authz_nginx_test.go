package handlers_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestAuthRequestLoginLocation: nginx's check answers a page without a
// session 401 with the login URL in Location, the original URL escaped
// whole into rd (its query, its percent-encoding), for the README's
// error_page to redirect to; an API call's 401 carries none.
func TestAuthRequestLoginLocation(t *testing.T) {
	_, _, _, _, anon := authzWorld(t)
	const orig = "https://app.example.com/search?q=a%26b&page=2"
	json := requestCheck("GET", orig)
	json.headers["Accept"] = "application/json"
	for _, tt := range []struct {
		name string
		c    check
		rd   string // "" for no Location
	}{
		{"GET", requestCheck("GET", orig), orig},
		{"HEAD", requestCheck("HEAD", orig), orig},
		{"no method named", requestCheck("", orig), orig},
		{"POST", requestCheck("POST", orig), ""},
		{"DELETE", requestCheck("DELETE", orig), ""},
		{"JSON", json, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := anon.ask(tt.c)
			if res.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status: got %d, want 401", res.StatusCode)
			}
			loc := res.Header.Get("Location")
			if tt.rd == "" {
				if loc != "" {
					t.Errorf("Location: got %q, want none", loc)
				}
				return
			}
			u, err := url.Parse(loc)
			if err != nil || u.Path != "/login" {
				t.Fatalf("Location: got %q, want the login page", loc)
			}
			if got := u.Query().Get("rd"); got != tt.rd {
				t.Errorf("rd: got %q, want %q", got, tt.rd)
			}
		})
	}
}
