package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// setUpProject opens the setup link in a new browser and creates the
// owner and project "Apollo", logged in; it returns the tab and the setup
// link's path, which no longer works.
func setUpProject(t *testing.T, e *e2e) (*tab, string) {
	t.Helper()
	b := e.browser().in(t)
	link, err := e.srv.SetupLink(context.Background())
	if err != nil || link == "" {
		t.Fatalf("setup link: %q, %v", link, err)
	}
	setup := strings.TrimPrefix(link, e.url)
	b.open(setup)
	b.fill("#email", ownerEmail)
	b.fill("#password", password)
	b.fill("#project", "Apollo")
	b.submit("form button[type=submit]")
	b.finishSetup()
	return b, setup
}

// setUpOwner is setUpProject with 2FA turned on at every login; the owner
// is then at /phone.
func setUpOwner(t *testing.T, e *e2e) *tab {
	t.Helper()
	b, _ := setUpProject(t, e)
	b.open("/projects/1/settings")
	b.setLevel("every_login", "")
	return b
}

// ownerWith2FA is setUpOwner followed by verifying the owner's phone by SMS.
func ownerWith2FA(t *testing.T, e *e2e, phone string) *tab {
	t.Helper()
	b := setUpOwner(t, e)
	b.enroll(phone, "sms")
	b.fill("#code", e.player.NextCode(phone))
	b.submit("form[action='/verify'] button")
	if !b.has("#emergency-code") {
		t.Fatalf("no emergency code after enrolling:\n%s", b.bodyText())
	}
	return b
}

func TestBrowserWrongCodesAndLock(t *testing.T) {
	e := startE2E(t, false)
	b := ownerWith2FA(t, e, ownerPhone)
	b.logout()
	b.login(ownerEmail, password)
	b.submit("button[name=channel][value=sms]")
	code := e.player.NextCode(ownerPhone)
	wrong := wrongCode(code)

	for i := 1; i <= 5; i++ {
		b.fill("#code", wrong)
		b.submit("form[action='/verify'] button")
		if i < 5 {
			b.waitText("That code is not valid")
		}
	}
	b.waitText("Too many wrong codes")
	b.shot("verify-too-many")
	if b.has("#code") {
		// Even the right code no longer works for this challenge.
		b.fill("#code", code)
		b.submit("form[action='/verify'] button")
		if loc := b.location(); !strings.HasPrefix(loc, "/verify") {
			t.Fatalf("the right code worked on a dead challenge: at %s", loc)
		}
	}

	// A new code, and more wrong guesses, until the lock.
	b.submit("button[name=channel][value=sms]")
	code = e.player.NextCode(ownerPhone)
	locked := false
	for i := 0; i < 6 && !locked; i++ {
		b.fill("#code", wrongCode(code))
		b.submit("form[action='/verify'] button")
		locked = strings.Contains(b.bodyText(), "locked until")
	}
	if !locked {
		t.Fatalf("ten failures did not lock:\n%s", b.bodyText())
	}
	b.shot("verify-locked")
	if b.has("#code") {
		b.fill("#code", code)
		b.submit("form[action='/verify'] button")
	}
	if loc := b.location(); !strings.HasPrefix(loc, "/verify") {
		t.Fatalf("the right code worked while locked: at %s", loc)
	}
	u, err := e.db.UserByEmail(context.Background(), ownerEmail)
	if err != nil || u.MFALockedUntil.IsZero() {
		t.Errorf("user not locked in the store: %+v, %v", u, err)
	}
}

func wrongCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestBrowserStopReply(t *testing.T) {
	e := startE2E(t, false)
	b := ownerWith2FA(t, e, ownerPhone)
	answer := e.player.Inbound(e.url, ownerPhone, e.cfg.Twilio.From, "STOP")
	if !strings.Contains(answer, "<Response") {
		t.Fatalf("inbound STOP answered %q", answer)
	}
	b.logout()
	b.login(ownerEmail, password)
	b.waitText("replied STOP")
	b.shot("verify-opted-out")
	first, err := firstChannelButton(b)
	if err != nil || first != "call" {
		t.Fatalf("the first way offered after STOP is %q (%v), want call", first, err)
	}
	sent := len(e.fake.Messages())
	b.submit("button[name=channel][value=call]")
	b.fill("#code", e.player.NextCode(ownerPhone))
	b.submit("form[action='/verify'] button")
	b.open("/projects/1")
	b.waitText("Apollo")
	if n := len(e.fake.Messages()); n != sent {
		t.Errorf("%d text messages went to an opted-out number", n-sent)
	}
}

func firstChannelButton(b *tab) (string, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 5e9)
	defer cancel()
	return runString(ctx, `(function(){var x=document.querySelector("button[name=channel]"); return x ? x.value : ""})()`)
}

var devCodeRE = regexp.MustCompile(`code is (\d{6})\b`)

// TestBrowserDevPhone enrolls through the dev phone alone: no Twilio
// account, the code read off /dev/phone.
func TestBrowserDevPhone(t *testing.T) {
	e := startE2E(t, true)
	b := setUpOwner(t, e)
	b.enroll(devPhone, "sms")

	code := b.devCode()
	b.shot("dev-phone")
	b.open("/verify")
	b.fill("#code", code)
	b.submit("form[action='/verify'] button")
	if !b.has("#emergency-code") {
		t.Fatalf("the dev phone's code did not verify the phone:\n%s", b.bodyText())
	}
	b.submit("main a")
	b.open("/projects/1")
	b.waitText("Apollo")
}

// devCode opens the dev phone and reads the code of Apollo's newest text
// message off it.
func (b *tab) devCode() string {
	b.t.Helper()
	b.open("/dev/phone")
	b.waitText("for Apollo. It expires")
	m := devCodeRE.FindStringSubmatch(b.bodyText())
	if m == nil {
		b.t.Fatalf("no code on the dev phone:\n%s", b.bodyText())
	}
	return m[1]
}
