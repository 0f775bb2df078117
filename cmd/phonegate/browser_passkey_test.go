package main

import (
	"strings"
	"testing"
	"time"

	cdpwebauthn "github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/phonegate/phonegate"
)

// virtualAuthenticator gives the tab's browser a platform authenticator
// through DevTools, as a laptop's with a fingerprint reader: CTAP2, an
// internal transport, discoverable credentials, user verification that
// passes.
func (b *tab) virtualAuthenticator() {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, cdpwebauthn.Enable, cdpwebauthn.EnableParams{}); err != nil {
		b.t.Fatalf("WebAuthn.enable: %v", err)
	}
	_, err := chromedp.Call(b.ctx, cdpwebauthn.AddVirtualAuthenticator, cdpwebauthn.AddVirtualAuthenticatorParams{
		Options: &cdpwebauthn.VirtualAuthenticatorOptions{
			Protocol:                    cdpwebauthn.AuthenticatorProtocolCtap2,
			Transport:                   cdpwebauthn.AuthenticatorTransportInternal,
			HasResidentKey:              true,
			HasUserVerification:         true,
			IsUserVerified:              true,
			AutomaticPresenceSimulation: true,
		}})
	if err != nil {
		b.t.Fatalf("WebAuthn.addVirtualAuthenticator: %v", err)
	}
}

// TestBrowserPasskey adds an authenticator app and then a passkey on the
// account page with a virtual authenticator, logs out, and logs in with
// the passkey at the code page, which offers it first. The gate is at
// localhost: a passkey's relying party is a name (the host of PUBLIC_URL),
// never an IP address, and http://localhost is a secure context.
func TestBrowserPasskey(t *testing.T) {
	chromium := chromiumPath(t)
	e := startGate(t, "localhost", false)
	e.chromium = chromium
	b := ownerWith2FA(t, e, ownerPhone)
	b.virtualAuthenticator()

	b.open("/account")
	b.fill("#app_password", password)
	b.submit("#app-form button")
	secret := strings.TrimSpace(b.text("#app-secret"))
	b.fill("#app_code", phonegate.TOTPCode(secret, time.Now()))
	b.submit("#app-confirm button")
	b.waitText("The authenticator app was added")

	if !b.has("#passkey-form") || b.evalString(`String(document.querySelector("#passkey-form").closest(".passkey").hidden)`) != "false" {
		t.Fatalf("the account page shows no passkey form:\n%s", b.bodyText())
	}
	b.fill("#passkey_name", "Laptop")
	b.fill("#passkey_password", password)
	b.submit("#passkey-form button")
	b.waitText("The passkey “Laptop” was added")
	if got := b.text("#factors"); !strings.Contains(got, "Laptop") || !strings.Contains(got, "Authenticator app") {
		t.Errorf("the factors listed: %q, want the passkey and the app", got)
	}
	b.shot("account-factors")

	b.logout()
	b.login(ownerEmail, password)
	if loc := b.location(); !strings.HasPrefix(loc, "/verify") {
		t.Fatalf("after the password the page is %s", loc)
	}
	b.waitJS(`document.getElementById("passkey-login") !== null && !document.getElementById("passkey-login").hidden`)
	if !b.has("#app-code-form") {
		t.Errorf("the code page does not offer the app beside the passkey:\n%s", b.bodyText())
	}
	b.shot("verify-factors")
	b.submit("#passkey-login-form button")
	if loc := b.location(); strings.HasPrefix(loc, "/verify") || strings.HasPrefix(loc, "/login") {
		t.Fatalf("the passkey did not log in: at %s\n%s", loc, b.bodyText())
	}
	if !strings.Contains(b.bodyText(), "Apollo") {
		t.Errorf("after the passkey, the projects page does not list the project:\n%s", b.bodyText())
	}
}
