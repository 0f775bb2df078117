package main

import (
	"context"
	"strings"
	"testing"
)

// runMail runs the server's mail queue, as serve does, until the test
// ends (before the database closes).
func (e *e2e) runMail() {
	e.t.Helper()
	box := e.srv.Outbox()
	if box == nil {
		e.t.Fatal("the server has no mail queue")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		box.Run(ctx)
	}()
	e.t.Cleanup(func() {
		cancel()
		<-done
	})
}

// TestBrowserDevMailbox: in dev mode the invitation of a new member lands
// in the dev mailbox, linked from the dev phone, and its link lets the
// newcomer choose a password; the owner's page never shows it.
func TestBrowserDevMailbox(t *testing.T) {
	e := startE2E(t, true)
	e.runMail()
	b, _ := setUpProject(t, e)
	b.waitText("Apollo")

	b.open("/projects/1/members")
	b.fill("#email", devEmail)
	b.do(setSelect("#role", "developer"))
	b.submit("form[action='/projects/1/members'] button")
	b.waitText("was invited by email")
	if strings.Contains(b.bodyText(), "/invite/") {
		t.Fatalf("the owner is shown an invite link:\n%s", b.bodyText())
	}

	b.open("/dev/phone")
	b.submit("main a[href='/dev/mail']")
	b.waitText("Set up your phonegate account for Apollo")
	if !strings.Contains(b.text(".dev-mail-to"), devEmail) {
		t.Errorf("the message is to %q, want %s", b.text(".dev-mail-to"), devEmail)
	}
	b.shot("dev-mail")

	dev := e.browser().in(t)
	dev.open(strings.TrimPrefix(b.text(".dev-mail-link"), e.url))
	dev.waitText("You were invited as " + devEmail)
	dev.fill("#password", password)
	dev.submit("form button[type=submit]")
	dev.waitText("Apollo")
}
