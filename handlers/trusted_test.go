package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

const day = 24 * time.Hour

// trustedBrowser returns a harness whose user ada belongs to a project at
// level, and the browser in which she enrolled (and so passed a code).
func trustedBrowser(t *testing.T, level phonegate.Level) (*twoFactor, *browser, int64) {
	t.Helper()
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, level)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	h.enroll(b, testPhone)
	return h, b, p.ID
}

// relogin logs out and in again in the same browser and reports whether
// the projects opened without a code.
func relogin(t *testing.T, b *browser) bool {
	t.Helper()
	b.get("/")
	b.post("/logout", url.Values{})
	b.login("ada@example.com", goodPassword)
	res, _ := b.get("/")
	switch {
	case res.StatusCode == http.StatusOK:
		return true
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/verify"):
		return false
	}
	t.Fatalf("GET / after login: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	return false
}

func TestTrustLevels(t *testing.T) {
	tests := []struct {
		level phonegate.Level
		after time.Duration
		want  bool // the next login skips the code
	}{
		{phonegate.LevelOff, 400 * day, true},
		{phonegate.LevelPerComputer, time.Hour, true},
		{phonegate.LevelPerComputer, 364 * day, true},
		{phonegate.LevelPerComputer, 365 * day, false},
		{phonegate.Level30Days, time.Hour, true},
		{phonegate.Level30Days, 29*day + 23*time.Hour, true},
		{phonegate.Level30Days, 30 * day, false},
		{phonegate.LevelEveryLogin, time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.level)+" after "+tt.after.String(), func(t *testing.T) {
			h, b, _ := trustedBrowser(t, tt.level)
			h.clock.Add(tt.after)
			if got := relogin(t, b); got != tt.want {
				t.Errorf("code skipped = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestThirtyDaysCountFromTheLastCode: each code passed on the computer
// starts its 30 days again.
func TestThirtyDaysCountFromTheLastCode(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.Level30Days)
	h.clock.Add(30 * day)
	if relogin(t, b) {
		t.Fatal("30 days after the code, the login skipped it")
	}
	if res := h.passCode(b); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code: got %d", res.StatusCode)
	}
	h.clock.Add(29*day + 23*time.Hour)
	if !relogin(t, b) {
		t.Error("29 days 23 hours after the second code, the login asked for one")
	}
}

// TestTrustBelongsToItsUser: user A's trusted-computer cookie does nothing
// for user B in the same browser, nor for B in another browser.
func TestTrustBelongsToItsUser(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelPerComputer)
	bob, _ := h.addUser("bob@example.com", goodPassword, "Bob's")
	if err := h.db.AddMember(context.Background(), p.ID, bob.ID, "developer", h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	ada := h.browser()
	ada.login("ada@example.com", goodPassword)
	h.enroll(ada, testPhone)
	adaTrust := ada.cookie("phonegate_trust")
	if adaTrust == nil {
		t.Fatal("no trusted-computer cookie after a code on a once-per-computer project")
	}

	// Bob enrolls in his own browser, then logs in where ada's cookie lives.
	other := h.browser()
	other.login("bob@example.com", goodPassword)
	h.enroll(other, testPhone2)

	ada.get("/")
	ada.post("/logout", url.Values{})
	ada.login("bob@example.com", goodPassword)
	if res, _ := ada.get("/"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/verify") {
		t.Errorf("bob with ada's trusted cookie: got %d to %q, want the code page", res.StatusCode, res.Header.Get("Location"))
	}

	// And a stolen cookie does nothing for bob's other browser either.
	u, _ := url.Parse(h.http.URL)
	thief := h.browser()
	thief.c.Jar.SetCookies(u, []*http.Cookie{{Name: "phonegate_trust", Value: adaTrust.Value}})
	thief.login("bob@example.com", goodPassword)
	if res, _ := thief.get("/"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("bob with a copy of ada's cookie: got %d, want the code page", res.StatusCode)
	}
}

// TestTightenedLevelIgnoresOldTrust: trust earned under a looser level
// counts only within the stricter level's terms, from the next request on.
func TestTightenedLevelIgnoresOldTrust(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		to    phonegate.Level
		want  bool
	}{
		{"once per computer to every 30 days, 40 days on", 40 * day, phonegate.Level30Days, false},
		{"once per computer to every 30 days, 10 days on", 10 * day, phonegate.Level30Days, true},
		{"once per computer to every login", time.Hour, phonegate.LevelEveryLogin, false},
		{"every 30 days to every login", time.Hour, phonegate.LevelEveryLogin, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := phonegate.LevelPerComputer
			if strings.HasPrefix(tt.name, "every 30") {
				from = phonegate.Level30Days
			}
			h, b, projectID := trustedBrowser(t, from)
			h.clock.Add(tt.after)
			if !relogin(t, b) {
				t.Fatal("the trusted computer was asked for a code before the change")
			}
			h.setLevel(projectID, tt.to)
			// The session that got in on trust meets the new level at once.
			res, _ := b.get("/")
			if got := res.StatusCode == http.StatusOK; got != tt.want {
				t.Errorf("next request after the change: got %d, want covered = %v", res.StatusCode, tt.want)
			}
			if got := relogin(t, b); got != tt.want {
				t.Errorf("next login: code skipped = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTrustCookie(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelPerComputer)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	b.post("/phone", url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}})
	b.get("/verify")
	res, _ := b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}})
	var raw string
	for _, v := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "phonegate_trust=") {
			raw = v
		}
	}
	for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=31536000"} {
		if !strings.Contains(raw, attr) {
			t.Errorf("trusted-computer cookie %q lacks %s", raw, attr)
		}
	}
	if strings.Contains(raw, "Domain=") || len(b.cookie("phonegate_trust").Value) < 22 {
		t.Errorf("trusted-computer cookie %q names a domain or is short", raw)
	}
}

func TestTrustRevoked(t *testing.T) {
	tests := []struct {
		name   string
		revoke func(h *twoFactor, b *browser)
	}{
		{"forgotten on the account page", func(h *twoFactor, b *browser) {
			_, page := b.get("/account")
			id := regexpFind(t, `name="computer" value="([0-9a-f]+)"`, page)
			if res, _ := b.post("/account/trusted/revoke", url.Values{"computer": {id}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("revoke: got %d", res.StatusCode)
			}
		}},
		{"password change", func(h *twoFactor, b *browser) {
			b.get("/account")
			res, _ := b.post("/account/password", url.Values{"current_password": {goodPassword}, "new_password": {goodPassword}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("password change: got %d", res.StatusCode)
			}
		}},
		{"phone change", func(h *twoFactor, b *browser) {
			b.get("/account")
			res, _ := b.post("/account/phone", url.Values{"password": {goodPassword}, "country": {"US"},
				"phone": {testPhone2}, "channel": {"sms"}})
			expectRedirect(t, res, "/verify")
			b.get("/verify")
			res, _ = b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}})
			expectRedirect(t, res, "/phone/done")
		}},
		{"2FA reset", func(h *twoFactor, b *browser) {
			u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
			if err := h.db.ResetSecondFactor(context.Background(), u.ID, 0, []byte("recovery mac"), h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, b, _ := trustedBrowser(t, phonegate.LevelPerComputer)
			oldTrust := b.cookie("phonegate_trust").Value
			if !relogin(t, b) {
				t.Fatal("the trusted computer was asked for a code")
			}
			tt.revoke(h, b)
			// Whatever cookie the browser got since, the old one is dead.
			b.c.Jar.SetCookies(mustURL(t, h.http.URL), []*http.Cookie{{Name: "phonegate_trust", Value: oldTrust}})
			b.get("/")
			b.post("/logout", url.Values{})
			b.login("ada@example.com", goodPassword)
			res, _ := b.get("/")
			if res.StatusCode == http.StatusOK {
				t.Error("the old trusted-computer cookie still skips the code")
			}
		})
	}
}

// regexpFind returns the first group of pattern in s, failing the test
// when it is not there.
func regexpFind(t *testing.T, pattern, s string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%s not found in:\n%s", pattern, s)
	}
	return m[1]
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
