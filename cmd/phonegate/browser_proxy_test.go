package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/phonegate/phonegate/internal/proxytest"
)

// TestBrowserThroughCaddy walks the Caddy story in a real browser: Ada
// opens the app behind real Caddy without a cookie, lands on the gate's
// login page, types the password and the code that came by SMS, and is
// back at the app's URL, which shows who she is. Chromium reaches the
// test's hostnames through --host-resolver-rules, not DNS.
func TestBrowserThroughCaddy(t *testing.T) {
	chromium := chromiumPath(t)
	w := startProxyWorld(t, proxytest.Caddy)
	w.e.chromium = chromium
	b := w.e.browser(chromedp.Flag("host-resolver-rules", "MAP *."+testDomain+" 127.0.0.1")).in(t)
	target := w.app.URL(storyPath)

	b.do(chromedp.Navigate(target))
	if loc := b.location(); !strings.HasPrefix(loc, "/login?rd=") {
		t.Fatalf("the app without a cookie sent the browser to %s, want the gate's login page", loc)
	}
	b.fill("#email", storyOwner)
	b.fill("#password", password)
	b.submit("form[action='/login'] button")
	if loc := b.location(); !strings.HasPrefix(loc, "/verify") {
		t.Fatalf("after the password the browser is at %s, want the code page", loc)
	}
	b.submit("button[name=channel][value=sms]")
	b.fill("#code", w.e.player.NextCode(storyPhone))
	b.submit("form[action='/verify'] button")
	b.waitText(appSays)
	if loc := b.location(); loc != target {
		t.Fatalf("after the code the browser is at %s, want %s", loc, target)
	}
	b.shot("app-through-gate")
}
