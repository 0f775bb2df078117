package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/internal/mailpit"
)

// The story of issue 5, in a real browser: an owner turns 2FA on, an invited
// developer enrolls through an SMS that never arrives and the call that
// follows by itself, logs in again, lives with "once per computer" on two
// computers, and loses the phone.

const (
	ownerEmail = "owner@example.com"
	devEmail   = "dev@example.com"
	password   = "correct horse battery staple"
	devPhone   = "+14155552671"
	devPhone2  = "+14155552672"
	ownerPhone = "+14155552670"
)

var emergencyRE = regexp.MustCompile(`^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$`)

func TestBrowserStory(t *testing.T) {
	chromiumPath(t)
	pit := mailpit.Start(t, mailpit.Options{})
	e := startE2E(t, false, map[string]string{"PHONEGATE_SMTP_URL": "smtp://" + pit.Addr(),
		"PHONEGATE_MAIL_FROM": "phonegate <noreply@example.com>"})
	e.runMail()
	ctx := context.Background()
	var (
		owner, dev, dev2 *tab
		inviteURL        string
		devEmergency     string
	)

	t.Run("owner sets up the project and turns 2FA on at every login", func(t *testing.T) {
		owner = e.browser().in(t)
		owner.open("/login")
		owner.shot("login")
		link, err := e.srv.SetupLink(ctx)
		if err != nil || link == "" {
			t.Fatalf("setup link: %q, %v", link, err)
		}
		owner.open(strings.TrimPrefix(link, e.url))
		owner.fill("#email", ownerEmail)
		owner.fill("#password", password)
		owner.fill("#project", "Apollo")
		owner.submit("form button[type=submit]")
		owner.finishSetup()
		owner.waitText("Apollo")

		owner.open("/projects/1/settings")
		owner.setLevel("every_login", "settings")
		if p, err := e.db.Project(ctx, 1); err != nil || p.MFALevel != "every_login" {
			t.Fatalf("level saved as %q, %v", p.MFALevel, err)
		}
		// The owner, too, must now verify a phone before reaching the project.
		if loc := owner.location(); !strings.HasPrefix(loc, "/phone") {
			t.Fatalf("after turning 2FA on the owner is at %s, want /phone", loc)
		}
		owner.enroll(ownerPhone, "sms")
		owner.fill("#code", e.player.NextCode(ownerPhone))
		owner.submit("form[action='/verify'] button")
		if code := owner.text("#emergency-code"); !emergencyRE.MatchString(code) {
			t.Fatalf("emergency code %q", code)
		}
		owner.submit("main a") // I have saved it

		owner.open("/projects/1/members")
		owner.fill("#email", devEmail)
		owner.do(setSelect("#role", "developer"))
		owner.submit("form[action='/projects/1/members'] button")
		owner.waitText("was invited by email")
		if strings.Contains(owner.bodyText(), "/invite/") {
			t.Fatalf("the owner is shown an invite link:\n%s", owner.bodyText())
		}
		ms := waitMail(t, pit, devEmail)
		inviteURL = regexp.MustCompile(regexp.QuoteMeta(e.url) + `/invite/[A-Za-z0-9_-]+`).FindString(ms[0].Text)
		if inviteURL == "" {
			t.Fatalf("no invite link in the mail to %s:\n%s", devEmail, ms[0].Text)
		}
	})

	t.Run("invited developer enrolls: SMS undelivered, the call gives the code", func(t *testing.T) {
		needStep(t, inviteURL != "")
		dev = e.browser().in(t)
		dev.open(strings.TrimPrefix(inviteURL, e.url))
		dev.fill("#password", password)
		dev.submit("form button[type=submit]")
		if loc := dev.location(); !strings.HasPrefix(loc, "/phone") {
			t.Fatalf("after joining the developer is at %s, want /phone", loc)
		}
		dev.shot("enroll")

		e.player.SMSOutcome(devPhone, "undelivered", 30003)
		dev.enroll(devPhone, "sms")
		dev.waitText("Not delivered")
		dev.waitText("did not reach your phone")
		code := e.player.NextCode(devPhone) // heard on the call that started by itself
		dev.waitText("Call ended")
		dev.shot("verify-delivery-failure")
		heard := strings.Join(e.player.Heard(devPhone), " ")
		if !strings.Contains(heard, "Press any key") || !strings.Contains(heard, "Apollo") {
			t.Errorf("the call said %q", heard)
		}
		if n := len(e.fake.Calls()); n != 1 {
			t.Errorf("%d calls placed, want exactly the one automatic call", n)
		}

		dev.fill("#code", code)
		dev.submit("form[action='/verify'] button")
		devEmergency = dev.text("#emergency-code")
		if !emergencyRE.MatchString(devEmergency) {
			t.Fatalf("emergency code %q", devEmergency)
		}
		dev.shot("emergency-code")
		// Shown once: a reload does not show it again.
		dev.open(dev.location())
		if dev.has("#emergency-code") {
			t.Error("the emergency code is shown a second time")
		}
		dev.open("/projects/1")
		dev.waitText("Apollo")
	})

	t.Run("logging in again asks for a code, which arrives by SMS", func(t *testing.T) {
		needStep(t, dev != nil)
		dev = dev.in(t)
		e.player.SMSOutcome(devPhone, "delivered", 0)
		dev.logout()
		dev.login(devEmail, password)
		if loc := dev.location(); !strings.HasPrefix(loc, "/verify") {
			t.Fatalf("after login the developer is at %s, want /verify", loc)
		}
		if n := len(e.fake.Messages()); n != 2 {
			t.Errorf("opening the code page sent something: %d messages", n)
		}
		dev.submit("button[name=channel][value=sms]")
		dev.fill("#code", e.player.NextCode(devPhone))
		dev.submit("form[action='/verify'] button")
		dev.open("/projects/1")
		dev.waitText("Apollo")
	})

	t.Run("once per computer: the same browser skips the code, another does not", func(t *testing.T) {
		needStep(t, dev != nil)
		dev, owner = dev.in(t), owner.in(t)
		owner.open("/projects/1/settings")
		owner.setLevel("per_computer", "")

		dev.logout()
		dev.login(devEmail, password)
		if loc := dev.location(); !strings.HasPrefix(loc, "/verify") {
			t.Fatalf("no trusted computer yet, but the developer is at %s", loc)
		}
		dev.submit("button[name=channel][value=sms]")
		dev.fill("#code", e.player.NextCode(devPhone))
		dev.submit("form[action='/verify'] button")

		dev.logout()
		dev.login(devEmail, password)
		if loc := dev.location(); loc != "/" {
			t.Fatalf("a trusted computer was asked for a code: at %s", loc)
		}

		dev2 = e.browser().in(t)
		dev2.login(devEmail, password)
		if loc := dev2.location(); !strings.HasPrefix(loc, "/verify") {
			t.Fatalf("a second browser got in without a code: at %s", loc)
		}

		owner.open("/projects/1/settings")
		owner.setLevel("every_login", "")
		dev.logout()
		dev.login(devEmail, password)
		if loc := dev.location(); !strings.HasPrefix(loc, "/verify") {
			t.Fatalf("after the level went to every login, the trusted computer is at %s", loc)
		}
	})

	t.Run("the phone is lost: the emergency code gets in, then a new number by voice", func(t *testing.T) {
		needStep(t, dev2 != nil && devEmergency != "")
		dev, dev2 = dev.in(t), dev2.in(t)
		dev2.open("/verify")
		dev2.do(clickJS("details summary"))
		dev2.fill("#emergency_code", strings.ToLower(devEmergency))
		dev2.submit("form[action='/verify/emergency'] button")
		if loc := dev2.location(); !strings.HasPrefix(loc, "/phone") {
			t.Fatalf("after the emergency code the developer is at %s, want /phone", loc)
		}
		dev2.open("/projects/1")
		if loc := dev2.location(); !strings.HasPrefix(loc, "/phone") {
			t.Fatalf("the project opened before a new phone was verified: at %s", loc)
		}
		dev2.enroll(devPhone2, "call")
		dev2.fill("#code", e.player.NextCode(devPhone2))
		dev2.submit("form[action='/verify'] button")
		fresh := dev2.text("#emergency-code")
		if !emergencyRE.MatchString(fresh) || fresh == devEmergency {
			t.Fatalf("new emergency code %q (old %q)", fresh, devEmergency)
		}
		dev2.open("/projects/1")
		dev2.waitText("Apollo")

		// Using the emergency code ended the developer's other session,
		// which had passed only the password.
		dev.open("/verify")
		if loc := dev.location(); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("a password-only session outlived the emergency code: at %s", loc)
		}
		// The old emergency code is dead.
		dev.login(devEmail, password)
		dev.open("/verify")
		dev.do(clickJS("details summary"))
		dev.fill("#emergency_code", devEmergency)
		dev.submit("form[action='/verify/emergency'] button")
		if loc := dev.location(); !strings.HasPrefix(loc, "/verify") {
			t.Fatalf("a used emergency code worked again: at %s", loc)
		}
	})
}

// needStep skips a step whose earlier step failed, so that one failure is
// reported once.
func needStep(t *testing.T, ok bool) {
	t.Helper()
	if !ok {
		t.Skip("an earlier step failed")
	}
}

func (b *tab) login(email, pw string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#email", email)
	b.fill("#password", pw)
	b.submit("form[action='/login'] button")
}

func (b *tab) logout() {
	b.t.Helper()
	b.submit("form[action='/logout'] button")
}

// enroll fills the phone form and asks for the code by channel.
func (b *tab) enroll(number, channel string) {
	b.t.Helper()
	b.open("/phone")
	b.fill("#phone", number)
	b.do(clickJS("#channel-" + channel))
	b.submit("form[action='/phone'] button[type=submit]")
	if loc := b.location(); !strings.HasPrefix(loc, "/verify") {
		b.t.Fatalf("after asking for a code the page is %s:\n%s", loc, b.bodyText())
	}
}

// setLevel authenticates on the settings page if needed and saves a level,
// taking a screenshot named shot of the levels first when shot is not "".
func (b *tab) setLevel(level, shot string) {
	b.t.Helper()
	if b.has("form[action$='/settings/authenticate']") {
		b.fill("#password", password)
		b.submit("form[action$='/settings/authenticate'] button")
	}
	b.do(clickJS("#level-" + level))
	if shot != "" {
		b.shot(shot)
	}
	b.submit("form[action$='/settings'] button[type=submit]")
}
