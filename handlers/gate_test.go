package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestGateAcrossProjects: a user in two projects with different levels
// meets the strictest of them, and lands where they were going once the
// code is passed.
func TestGateAcrossProjects(t *testing.T) {
	tests := []struct {
		name       string
		levels     [2]phonegate.Level
		trustSkips bool // a computer that passed the code skips it at the next login
	}{
		{"off and every login", [2]phonegate.Level{phonegate.LevelOff, phonegate.LevelEveryLogin}, false},
		{"once per computer and every 30 days", [2]phonegate.Level{phonegate.LevelPerComputer, phonegate.Level30Days}, true},
		{"once per computer and every login", [2]phonegate.Level{phonegate.LevelPerComputer, phonegate.LevelEveryLogin}, false},
		{"both off", [2]phonegate.Level{phonegate.LevelOff, phonegate.LevelOff}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t)
			u, first := h.addUser("ada@example.com", goodPassword, "First")
			second, err := h.db.CreateProject(context.Background(), u.ID, "Second", h.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			h.setLevel(first.ID, tt.levels[0])
			h.setLevel(second.ID, tt.levels[1])
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			firstPath := "/projects/" + strconvFormat(first.ID)
			res, _ := b.get(firstPath)
			if tt.levels == [2]phonegate.Level{phonegate.LevelOff, phonegate.LevelOff} {
				if res.StatusCode != http.StatusOK {
					t.Fatalf("no 2FA anywhere: got %d", res.StatusCode)
				}
				return
			}
			if want := "/phone?next=%2Fprojects%2F" + strconvFormat(first.ID); res.Header.Get("Location") != want {
				t.Fatalf("GET %s: got %d to %q, want %s", firstPath, res.StatusCode, res.Header.Get("Location"), want)
			}
			h.enroll(b, testPhone)

			b.get("/")
			b.post("/logout", url.Values{})
			b.login("ada@example.com", goodPassword)
			res, _ = b.get(firstPath)
			if skipped := res.StatusCode == http.StatusOK; skipped != tt.trustSkips {
				t.Fatalf("second login: got %d to %q, want code skipped = %v", res.StatusCode, res.Header.Get("Location"), tt.trustSkips)
			}
			if tt.trustSkips {
				return
			}
			loc := expectRedirect(t, res, "/verify?next=")
			b.get(loc)
			if res, _ := b.post("/verify/send", url.Values{"channel": {"sms"}, "next": {firstPath}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("send: got %d", res.StatusCode)
			}
			b.get(loc)
			res, _ = b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}, "next": {firstPath}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != firstPath {
				t.Fatalf("code: got %d to %q, want %s", res.StatusCode, res.Header.Get("Location"), firstPath)
			}
			for _, p := range []string{firstPath, "/projects/" + strconvFormat(second.ID), "/account"} {
				if res, _ := b.get(p); res.StatusCode != http.StatusOK {
					t.Errorf("GET %s after the code: got %d", p, res.StatusCode)
				}
			}
		})
	}
}

// TestNextStaysOnSite: a "next" that leaves the site lands on the home page.
func TestNextStaysOnSite(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	code := h.sendSMS(b)
	b.get("/verify")
	res, _ := b.post("/verify", url.Values{"code": {code}, "next": {"//evil.example/"}})
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("next //evil.example/: went to %q, want /", loc)
	}
}
