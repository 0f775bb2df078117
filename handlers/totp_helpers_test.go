package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// addApp adds an authenticator app to the account of the logged-in
// browser b through the account page, confirms it with the code of the
// clock's step, and returns the secret read off the page.
func (h *twoFactor) addApp(b *browser) string {
	h.t.Helper()
	b.get("/account")
	res, _ := b.post("/account/app", url.Values{"password": {goodPassword}})
	expectRedirect(h.t, res, "/account/app")
	_, body := b.get("/account/app")
	if !strings.Contains(body, `src="data:image/png;base64,`) {
		h.t.Fatalf("no QR code on the app page:\n%s", body)
	}
	secret := regexpFind(h.t, `id="app-secret">([A-Z2-7]+)<`, body)
	res, _ = b.post("/account/app/confirm", url.Values{"code": {phonegate.TOTPCode(secret, h.clock.Now())}})
	loc := expectRedirect(h.t, res, "/account")
	if loc != "/account" {
		h.t.Fatalf("confirm: went to %q, want /account", loc)
	}
	return secret
}

// withApp is ada of project Engine at LevelEveryLogin, her phone verified
// and an authenticator app added in browser b; the clock has moved to the
// next step, so that a code of now logs in.
func withApp(t *testing.T) (h *twoFactor, b *browser, secret string, projectID int64) {
	t.Helper()
	h, b, projectID = trustedBrowser(t, phonegate.LevelEveryLogin)
	secret = h.addApp(b)
	h.clock.Add(phonegate.TOTPPeriod)
	return h, b, secret, projectID
}

// typeApp types code as the app's code on the code page of b.
func typeApp(b *browser, code string) *http.Response {
	b.get("/verify")
	res, _ := b.post("/verify/app", url.Values{"app_code": {code}})
	return res
}

// auditCount counts events of kind in projectID's newest 100.
func (h *harness) auditCount(projectID int64, kind string) int {
	h.t.Helper()
	es, err := h.db.AuditEvents(context.Background(), projectID, 0, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Kind == kind {
			n++
		}
	}
	return n
}
