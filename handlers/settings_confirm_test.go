package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// headerLinks are the header's links to the pages behind login.
var headerLinks = []string{`<a href="/">Projects</a>`, `<a href="/account">Account security</a>`}

// checkHeader fails unless the page's header links to the pages behind
// login exactly when want says so.
func checkHeader(t *testing.T, page, body string, want bool) {
	t.Helper()
	for _, l := range headerLinks {
		if got := strings.Contains(body, l); got != want {
			t.Errorf("%s: header link %s shown = %v, want %v", page, l, got, want)
		}
	}
	if !strings.Contains(body, `action="/logout"`) {
		t.Errorf("%s: no way to log out", page)
	}
}

// TestTurningTwoFactorOn follows an owner without a phone who turns 2FA on:
// the phone page names the project and the level, the header offers only
// what the session can reach, and once the phone is verified the settings
// say what is on, in words.
func TestTurningTwoFactorOn(t *testing.T) {
	tests := []struct {
		level    phonegate.Level
		settings string // the confirmation
	}{
		{phonegate.LevelPerComputer, "Two-factor authentication is on for Engine, once per computer."},
		{phonegate.Level30Days, "Two-factor authentication is on for Engine, every 30 days on each computer."},
		{phonegate.LevelEveryLogin, "Two-factor authentication is on for Engine, at every login."},
	}
	for _, tt := range tests {
		t.Run(string(tt.level), func(t *testing.T) {
			h, p := team(t)
			b := h.as("owner@example.com")
			settings := "/projects/" + strconvFormat(p.ID) + "/settings"
			_, body := b.get(settings)
			checkHeader(t, "settings before", body, true)
			b.post(settings+"/authenticate", url.Values{"password": {goodPassword}})
			res, _ := b.post(settings, url.Values{"level": {string(tt.level)}})
			loc := expectRedirect(t, res, "/phone?on="+strconvFormat(p.ID))

			res, body = b.get(loc)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", loc, res.StatusCode)
			}
			for _, want := range []string{tt.settings,
				"You just turned on two-factor authentication for Engine: every member, you included, now needs a verified phone."} {
				if !strings.Contains(body, want) {
					t.Errorf("the phone page lacks %q:\n%s", want, body)
				}
			}
			checkHeader(t, "phone page", body, false)
			if _, again := b.get(loc); strings.Contains(again, tt.settings) {
				t.Error("the confirmation is shown twice")
			}

			h.enroll(b, "+14155552671")
			res, body = b.get(settings)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET settings after enrolling: %d", res.StatusCode)
			}
			checkHeader(t, "settings after", body, true)

			// Off again: said in words too, and no phone page this time.
			res, _ = b.post(settings, url.Values{"level": {"off"}})
			loc = expectRedirect(t, res, settings)
			if _, body = b.get(loc); !strings.Contains(body, "Two-factor authentication is off for Engine.") {
				t.Errorf("after turning it off, the settings page lacks the confirmation")
			}
		})
	}
}

// TestTurnedOnNamesOnlyOwnProjects checks that the phone page's sentence
// names only a project of the user whose level is on, whatever the URL
// says.
func TestTurnedOnNamesOnlyOwnProjects(t *testing.T) {
	h, p := team(t)
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	stranger := h.as("stranger@example.com") // Elsewhere is off: no phone needed
	_, body := stranger.get("/phone?on=" + strconvFormat(p.ID))
	if strings.Contains(body, `id="turned-on"`) || strings.Contains(body, "Engine") {
		t.Errorf("a stranger's phone page speaks of Engine:\n%s", body)
	}
	dev := h.as("dev@example.com") // a member of Engine, which is on, who did not turn it on
	res, body := dev.get("/phone?on=junk")
	if res.StatusCode != http.StatusOK || strings.Contains(body, `id="turned-on"`) {
		t.Errorf("GET /phone?on=junk: %d, turned-on shown = %v", res.StatusCode, strings.Contains(body, `id="turned-on"`))
	}
	checkHeader(t, "a member's phone page", body, false)
}

// TestHeaderBetweenPasswordAndCode checks the header of the code page
// while the code is still to be typed, and after.
func TestHeaderBetweenPasswordAndCode(t *testing.T) {
	h, p := team(t)
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	h.enroll(h.as("owner@example.com"), "+14155552671")
	b := h.as("owner@example.com")
	res, body := b.get("/verify")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /verify: %d", res.StatusCode)
	}
	checkHeader(t, "code page", body, false)
	expectRedirect(t, h.passCode(b), "/")
	_, body = b.get("/")
	checkHeader(t, "projects", body, true)
}
