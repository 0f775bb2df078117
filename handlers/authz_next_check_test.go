package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestAuthChecksSeeChangesAtOnce: bob, a developer of ada's Engine, is let
// into app.example.com; a logout, his removal, a tightened level and his
// session ended from another of his sessions each refuse the very next
// check, on both endpoints, with no time passing in between.
func TestAuthChecksSeeChangesAtOnce(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name    string
		change  func(t *testing.T, h *twoFactor, p phonegate.Project, ada phonegate.User, bob *browser)
		forward int // the status of /auth/forward after the change
		request int // and of /auth/request
	}{
		{"logout", func(t *testing.T, h *twoFactor, p phonegate.Project, ada phonegate.User, bob *browser) {
			bob.get("/")
			if res, _ := bob.post("/logout", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: got %d", res.StatusCode)
			}
		}, http.StatusFound, http.StatusUnauthorized},
		{"member removed", func(t *testing.T, h *twoFactor, p phonegate.Project, ada phonegate.User, bob *browser) {
			u, err := h.db.UserByEmail(ctx, "bob@example.com")
			if err != nil {
				t.Fatal(err)
			}
			if err := h.db.RemoveMemberBy(ctx, p.ID, u.ID, ada.ID, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}, http.StatusForbidden, http.StatusForbidden},
		{"level tightened", func(t *testing.T, h *twoFactor, p phonegate.Project, ada phonegate.User, bob *browser) {
			h.setLevel(p.ID, phonegate.LevelEveryLogin)
		}, http.StatusFound, http.StatusUnauthorized},
		{"session revoked", func(t *testing.T, h *twoFactor, p phonegate.Project, ada phonegate.User, bob *browser) {
			other := h.browser()
			other.login("bob@example.com", goodPassword)
			other.get("/account")
			res, _ := other.post("/account/sessions/revoke-others", url.Values{"password": {goodPassword}})
			expectRedirect(t, res, "/account")
		}, http.StatusFound, http.StatusUnauthorized},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, p, ada, bob := memberWorld(t)
			page, nginx := forwardCheck("GET", appHost, "/"), requestCheck("GET", "https://"+appHost+"/")
			for _, c := range []check{page, nginx} {
				if res := bob.ask(c); res.StatusCode != http.StatusOK {
					t.Fatalf("%s before: got %d, want 200", c.path, res.StatusCode)
				}
			}
			before := h.clock.Now()
			tt.change(t, h, p, ada, bob)
			if !h.clock.Now().Equal(before) {
				t.Fatalf("the clock moved during the change")
			}
			if res := bob.ask(page); res.StatusCode != tt.forward || res.Header.Get("Remote-User") != "" {
				t.Errorf("forward after: got %d (Remote-User %q), want %d", res.StatusCode, res.Header.Get("Remote-User"), tt.forward)
			}
			if res := bob.ask(nginx); res.StatusCode != tt.request {
				t.Errorf("request after: got %d, want %d", res.StatusCode, tt.request)
			}
		})
	}
}

// memberWorld: ada owns Engine, which protects app.example.com at level
// off; bob is an accepted developer of Engine, logged in.
func memberWorld(t *testing.T) (*twoFactor, phonegate.Project, phonegate.User, *browser) {
	t.Helper()
	h := newTwoFactor(t)
	ada, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.addUser("bob@example.com", goodPassword, "Bob's")
	h.protect(ada, p, appHost)
	if _, err := h.db.ProvisionMember(context.Background(), "bob@example.com", p.ID, phonegate.RoleDeveloper, nil, false,
		h.clock.Now().Add(time.Hour), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	bob := h.browser()
	bob.login("bob@example.com", goodPassword)
	return h, p, ada, bob
}
