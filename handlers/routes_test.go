package handlers_test

import (
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/julienschmidt/httprouter"

	"github.com/phonegate/phonegate"
)

// registeredRoutes walks the router's trees and returns every registered
// "METHOD /path". httprouter has no API for this; its trees are read with
// reflection so that the test sees what was really registered, not only
// what the route table says.
func registeredRoutes(t *testing.T, r *httprouter.Router) []string {
	t.Helper()
	trees := reflect.ValueOf(r).Elem().FieldByName("trees")
	if !trees.IsValid() || trees.Kind() != reflect.Map {
		t.Fatal("httprouter.Router has no trees map: update registeredRoutes for this version of httprouter")
	}
	var out []string
	var walk func(method, prefix string, n reflect.Value)
	walk = func(method, prefix string, n reflect.Value) {
		if n.Kind() == reflect.Pointer {
			if n.IsNil() {
				return
			}
			n = n.Elem()
		}
		path := prefix + n.FieldByName("path").String()
		if !n.FieldByName("handle").IsNil() {
			out = append(out, method+" "+path)
		}
		children := n.FieldByName("children")
		for i := range children.Len() {
			walk(method, path, children.Index(i))
		}
	}
	iter := trees.MapRange()
	for iter.Next() {
		walk(iter.Key().String(), "", iter.Value())
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("found no route in the router")
	}
	return out
}

// pendingAllowed reports whether path may be reached between the password
// and the code: the code page, enrollment (with the emergency-code
// display) and logout.
func pendingAllowed(path string) bool {
	return path == "/logout" || path == "/verify" || strings.HasPrefix(path, "/verify/") ||
		path == "/phone" || strings.HasPrefix(path, "/phone/")
}

// TestPendingSessionReachesOnlyPendingRoutes walks every route registered
// on the router with a session that passed the password but not the code,
// and proves that each one either is a pending route (code, enrollment,
// emergency-code display, logout), needs no session at all, or sends the
// session to the code or enrollment page without doing anything.
func TestPendingSessionReachesOnlyPendingRoutes(t *testing.T) {
	tests := []struct {
		name     string
		verified bool   // the user has a verified phone
		want     string // where full routes must send the session
	}{
		{"with a verified phone", true, "/verify"},
		{"without a phone", false, "/phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t)
			u, p := h.addUser("ada@example.com", goodPassword, "Engine")
			h.protect(u, p, "app.example.com")
			h.setLevel(p.ID, phonegate.LevelEveryLogin)
			if tt.verified {
				b := h.browser()
				b.login("ada@example.com", goodPassword)
				h.enroll(b, testPhone)
			}
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			b.get(tt.want) // the CSRF token of the pending session
			csrf := b.csrf

			table := h.srv.RouteAccess()
			params := strings.NewReplacer(":id", strconvFormat(p.ID), ":token", "not-a-token", "*file", "style.css")
			for _, rt := range registeredRoutes(t, h.srv.Router()) {
				method, path, _ := strings.Cut(rt, " ")
				access, listed := table[rt]
				switch {
				case strings.HasPrefix(path, "/twilio/"):
					// Twilio's webhooks take no session: without a signature
					// they refuse anything, cookie or not.
					req, _ := http.NewRequest(method, h.http.URL+params.Replace(path), strings.NewReader("Body=x"))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					res, _ := b.do(req)
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s without a signature: got %d, want 403", rt, res.StatusCode)
					}
					continue
				case strings.HasPrefix(path, "/dev/"):
					continue // the dev phone stands in for the user's phone
				case access == "authz":
					// A proxy's check: a pending session must not be let
					// into a protected app.
					if res := b.ask(forwardCheck("GET", "app.example.com", "/")); res.StatusCode == http.StatusOK {
						t.Errorf("%s lets a pending session through", rt)
					}
					continue
				case !listed:
					t.Errorf("%s is registered outside the route table", rt)
					continue
				case access == "pending" && !pendingAllowed(path):
					t.Errorf("%s is reachable between the password and the code, but is no code, enrollment or logout route", rt)
					continue
				case access != "full":
					continue // raw, open or pending: reachable by design
				}
				form := url.Values{"csrf_token": {csrf}, "level": {"off"}, "name": {"P2"}, "password": {goodPassword},
					"current_password": {goodPassword}, "new_password": {"a brand new password"}, "user": {strconvFormat(u.ID)},
					"role": {"developer"}, "email": {"eve@example.com"}, "phone": {testPhone2}, "channel": {"sms"}}
				req, _ := http.NewRequest(method, h.http.URL+params.Replace(path), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, body := b.do(req)
				loc, _ := url.Parse(res.Header.Get("Location"))
				if res.StatusCode != http.StatusSeeOther || loc == nil || loc.Path != tt.want {
					t.Errorf("%s with a pending session: got %d to %q, want 303 to %s\n%s", rt, res.StatusCode,
						res.Header.Get("Location"), tt.want, body)
				}
			}
			// Nothing changed behind the gate.
			if got, _ := h.db.Project(t.Context(), p.ID); got.MFALevel != string(phonegate.LevelEveryLogin) {
				t.Errorf("the level changed to %q behind the gate", got.MFALevel)
			}
			if ms, _ := h.db.Memberships(t.Context(), u.ID); len(ms) != 1 {
				t.Errorf("the user has %d projects, want 1: a project was made behind the gate", len(ms))
			}
		})
	}
}

// TestLogoutRoutes: the page is in the route table, open to anyone (it
// must answer without a session), and the logout itself needs one.
func TestLogoutRoutes(t *testing.T) {
	h := newHarness(t)
	table := h.srv.RouteAccess()
	for rt, want := range map[string]string{"GET /logout": "open", "HEAD /logout": "open", "POST /logout": "pending"} {
		if got := table[rt]; got != want {
			t.Errorf("%s: access %q, want %q", rt, got, want)
		}
	}
}
