package main

import (
	"regexp"
	"strings"
	"testing"
)

var isoRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)

// TestBrowserAdminPages walks the admin pages' comforts in Chromium: the
// phone page after turning 2FA on, the emergency code's buttons, the
// level's confirmation, the invited page, the confirmation before a
// removal, the audit log in local time and the sessions in words. Each
// state is screenshotted when PHONEGATE_SCREENSHOTS is set.
func TestBrowserAdminPages(t *testing.T) {
	e := startE2E(t, true)
	b := setUpOwner(t, e) // turns 2FA on at every login: the phone page comes next

	if !strings.HasPrefix(b.location(), "/phone?on=1") {
		t.Fatalf("after turning 2FA on the page is %s", b.location())
	}
	if got := b.text("#turned-on"); !strings.Contains(got, "You just turned on two-factor authentication for Apollo: every member, you included") {
		t.Errorf("the phone page says %q", got)
	}
	if got := b.text(".flash"); got != "Two-factor authentication is on for Apollo, at every login." {
		t.Errorf("the phone page's confirmation says %q", got)
	}
	if b.has("header a[href='/account']") || b.has("header a[href='/']:not(.brand)") {
		t.Error("the header links to pages the session cannot reach yet")
	}
	b.shot("phone-turned-on")

	b.fill("#phone", devPhone)
	b.do(clickJS("#channel-sms"))
	b.submit("form[action='/phone'] button[type=submit]")
	code := b.devCode()
	b.open("/verify")
	b.fill("#code", code)
	b.submit("form[action='/verify'] button")
	b.waitJS(`!document.getElementById("copy-emergency").hidden && !document.getElementById("download-emergency").hidden`)
	b.do(clickJS("#copy-emergency"))
	b.waitJS(`document.getElementById("emergency-note").textContent !== ""`)
	b.shot("emergency-code-buttons")

	b.open("/projects/1/settings")
	b.waitText("Currently: Every time you log in.")
	if !b.has("header a[href='/account']") {
		t.Error("the header lacks its links once the code is passed")
	}

	b.open("/projects/1/members")
	b.fill("#email", devEmail)
	b.do(setSelect("#role", "developer"))
	b.submit("form[action='/projects/1/members'] button")
	b.waitText("Invited to Apollo by you, " + ownerEmail)
	b.shot("invited")

	b.open("/projects/1/members")
	b.submit("form[action='/projects/1/members/remove']:has(input[name=user][value='2']) button")
	b.waitText("Cancel the invitation of " + devEmail + " to Apollo?")
	if !strings.HasPrefix(b.location(), "/projects/1/members/confirm?") {
		t.Errorf("the confirmation is at %s, want a page of its own that a reload cannot post", b.location())
	}
	b.shot("confirm-remove")
	b.submit("#confirm button[type=submit]")
	b.waitText("Invitation cancelled: " + devEmail)
	if strings.Contains(b.text("#members"), devEmail) {
		t.Errorf("the invitation is still listed after confirming:\n%s", b.bodyText())
	}

	b.open("/projects/1/audit")
	b.waitText("Authenticated to make changes")
	for _, want := range []string{"Every time you log in", "Project created", "Member removed"} {
		if !strings.Contains(b.bodyText(), want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	title := b.evalString(`document.querySelector("#audit time").title`)
	shown := b.evalString(`document.querySelector("#audit time").textContent`)
	if !isoRE.MatchString(title) || strings.Contains(shown, "UTC") {
		t.Errorf("the audit log's time shows %q with title %q, want local time and an ISO title", shown, title)
	}
	if h := b.evalString(`String(document.querySelector("#audit time").getClientRects().length)`); h != "1" {
		t.Errorf("the time takes %s lines", h)
	}
	if w := b.evalString(`String(document.documentElement.scrollWidth - window.innerWidth)`); w != "0" && !strings.HasPrefix(w, "-") {
		t.Errorf("the audit log sticks out of the window by %s px", w)
	}
	b.shot("audit")

	b.open("/account")
	if got := b.bodyText(); !strings.Contains(got, "(headless) on Linux (this one)") || strings.Contains(got, "Mozilla/5.0") {
		t.Errorf("the sessions are not in words:\n%s", got)
	}
}
