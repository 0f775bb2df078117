package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrowserCodePageStates walks the code page through its live states in
// Chromium: nothing sent, sent (the delivery shown as it changes), the
// 30-second countdown on disabled buttons, wrong codes with the tries
// left, the dead code and its new one, the NO reply that cancels it (the
// page changes by itself), and the lock in local time with no forms.
// Each state is screenshot (PHONEGATE_SCREENSHOTS).
func TestBrowserCodePageStates(t *testing.T) {
	e := startE2E(t, false)
	b := ownerWith2FA(t, e, ownerPhone)
	b.logout()
	b.login(ownerEmail, password)

	b.waitText("Nothing has been sent yet: choose how to get your code.")
	if b.has("#code") {
		t.Error("the code box is shown before anything was sent")
	}
	b.shot("verify-nothing-sent")

	b.submit("button[name=channel][value=sms]")
	b.waitText("The code is on its way by text message.")
	b.waitText("Text message: Delivered")
	b.waitJS(`document.querySelector("button[name=channel]").disabled`)
	before := countdown(t, b)
	b.waitJS(`(function(){var m=/in (\d+) second/.exec(document.getElementById("resend-wait").textContent);` +
		` return m !== null && Number(m[1]) < ` + strconv.Itoa(before) + `})()`)
	b.shot("verify-sent")
	code := e.player.NextCode(ownerPhone)

	for left := 4; left >= 2; left-- {
		b.fill("#code", wrongCode(code))
		b.submit("form[action='/verify'] button")
		b.waitText("That code is not valid: " + strconv.Itoa(left) + " tries left.")
	}
	b.shot("verify-tries-left")
	for range 2 {
		b.fill("#code", wrongCode(code))
		b.submit("form[action='/verify'] button")
	}
	b.waitText("Too many wrong codes: this code no longer works. Send a new code.")
	if text := b.bodyText(); strings.Contains(text, "sends left") || strings.Contains(text, "works for 10 minutes") || b.has("#code") {
		t.Errorf("the dead code's page still offers the code or its hints:\n%s", text)
	}
	b.shot("verify-dead")

	b.submit("button[name=channel][value=sms]")
	b.waitText("The code is on its way by text message.")
	e.player.NextCode(ownerPhone)
	if answer := e.player.Inbound(e.url, ownerPhone, e.cfg.Twilio.From, "NO"); !strings.Contains(answer, "<Response") {
		t.Fatalf("inbound NO answered %q", answer)
	}
	b.waitText("replied NO") // the page reloads by itself on the new state
	if b.has("#code") {
		t.Error("the cancelled code can still be typed")
	}
	b.shot("verify-cancelled")

	// Five wrong codes so far; five wrong emergency codes lock.
	for i := 0; i < 5 && !strings.Contains(b.bodyText(), "locked until"); i++ {
		b.do(clickJS("details summary"))
		b.fill("#emergency_code", "AAAA-BBBB-CCCC-DDDD")
		b.submit("form[action='/verify/emergency'] button")
	}
	b.waitText("Too many failed attempts: two-factor verification is locked until")
	for _, sel := range []string{"#code", "button[name=channel]", "#emergency_code", ".error"} {
		if b.has(sel) {
			t.Errorf("the locked page has %s:\n%s", sel, b.bodyText())
		}
	}
	// The script shows the time in local time, keeping UTC in the title.
	b.waitJS(`(function(){var t=document.querySelector("time.local"); return t !== null && / UTC$/.test(t.title)})()`)
}

// countdown reads the seconds the code page's countdown shows.
func countdown(t *testing.T, b *tab) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, err := runString(ctx, `(function(){var m=/in (\d+) second/.exec(document.getElementById("resend-wait").textContent); return m ? m[1] : ""})()`)
	n, perr := strconv.Atoi(s)
	if err != nil || perr != nil || n <= 0 || n > 30 {
		t.Fatalf("countdown %q (%v): want 1 to 30 seconds\n%s", s, err, b.bodyText())
	}
	return n
}
