package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// finishSetup logs the new owner in after the setup form, which sends
// them to the login page with the email filled in.
func (b *tab) finishSetup() {
	b.t.Helper()
	b.waitText("Setup done: log in.")
	if got := b.value("#email"); got != ownerEmail {
		b.t.Errorf("the login page after setup has the email %q, want %s", got, ownerEmail)
	}
	b.fill("#password", password)
	b.submit("form[action='/login'] button")
}

// value returns the value of the input with the given CSS selector.
func (b *tab) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := runString(ctx, `(function(){var el=document.querySelector(`+jsString(sel)+`); return el ? el.value : ""})()`)
	return s
}

// TestBrowserAfterLogout: after logout the back button shows the login
// page, not a page behind login from the cache; a form left open in a
// page whose session has ended says "log in again", with the link; and
// the used setup link says that setup is done.
func TestBrowserAfterLogout(t *testing.T) {
	e := startE2E(t, true)
	b, setup := setUpProject(t, e)
	b.waitText("Apollo")

	b.open("/account")
	b.waitText("Account security")
	b.open("/")
	b.waitText("Your projects")
	b.logout()
	b.waitText("Logged out.")
	b.shot("logged-out")

	b.do(chromedp.NavigateBack())
	b.waitJS(`document.readyState === "complete"`)
	if loc := b.location(); !strings.HasPrefix(loc, "/login") {
		t.Errorf("back after logout: the page is %s, want the login page:\n%s", loc, b.bodyText())
	}
	if text := b.bodyText(); strings.Contains(text, "Your projects") || strings.Contains(text, "Apollo") {
		t.Errorf("back after logout shows the page of the ended session:\n%s", text)
	}

	// A page left open while its session ends elsewhere.
	b.login(ownerEmail, password)
	b.waitText("Your projects")
	b.eval(`fetch("/logout", {method: "POST", body: new URLSearchParams(new FormData(document.querySelector("form[action='/logout']")))}).then(() => window.__pgOut = true)`)
	b.waitJS(`window.__pgOut === true`)
	b.fill("#name", "Stale")
	b.submit("form[action='/projects'] button")
	b.waitText("You have been logged out; log in again.")
	b.shot("logged-out-stale-form")
	if strings.Contains(b.bodyText(), "did not come from this site") {
		t.Errorf("the stale form is called forged:\n%s", b.bodyText())
	}
	b.submit("#error-link")
	if loc := b.location(); !strings.HasPrefix(loc, "/login") {
		t.Errorf("the link of the logged-out page leads to %s, want /login", loc)
	}
	if !b.has("#login-link") {
		t.Error("the logged-out header has no Log in link")
	}

	b.open(setup)
	b.waitText("Setup is done: log in.")
	b.shot("setup-done")
	b.submit("#error-link")
	if loc := b.location(); loc != "/login" {
		t.Errorf("the used setup link leads to %s, want /login", loc)
	}
}
