package main

import (
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestBrowserAuthenticatorApp adds an authenticator app on the account
// page, reading its key off the page as a person would type it into the
// app, logs in with a code computed from it, and sees a replay refused.
func TestBrowserAuthenticatorApp(t *testing.T) {
	e := startE2E(t, false)
	b := ownerWith2FA(t, e, ownerPhone)
	b.open("/account")
	b.fill("#app_password", password)
	b.submit("#app-form button")
	if !b.has("#app-qr") {
		t.Fatalf("no QR code after adding an app:\n%s", b.bodyText())
	}
	if w := b.evalString(`String(document.getElementById("app-qr").naturalWidth)`); w == "0" {
		t.Error("the QR code image did not load")
	}
	secret := strings.TrimSpace(b.text("#app-secret"))
	b.fill("#app_code", phonegate.TOTPCode(secret, time.Now()))
	b.submit("#app-confirm button")
	b.waitText("The authenticator app was added")
	b.shot("account-app")

	// The next step's code: the confirming one is used up. It is within
	// the window whatever the step is when the server checks it.
	code := phonegate.TOTPCode(secret, time.Now().Add(30*time.Second))
	b.logout()
	b.login(ownerEmail, password)
	if !b.has("#app-code-form") {
		t.Fatalf("the code page offers no app:\n%s", b.bodyText())
	}
	b.shot("verify-app")
	b.fill("#app_code", code)
	b.submit("#app-code-form button")
	if loc := b.location(); strings.HasPrefix(loc, "/verify") {
		t.Fatalf("the app's code did not log in: at %s\n%s", loc, b.bodyText())
	}

	b.logout()
	b.login(ownerEmail, password)
	b.fill("#app_code", code)
	b.submit("#app-code-form button")
	b.waitText("not valid")
	if loc := b.location(); !strings.HasPrefix(loc, "/verify") {
		t.Errorf("a replayed code logged in: at %s", loc)
	}
}
