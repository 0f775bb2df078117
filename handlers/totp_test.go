package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestAppAdd: the app is added after the password only, its key shown
// once, and counts once its first code is right.
func TestAppAdd(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.LevelEveryLogin)
	ctx := context.Background()
	u, _ := h.db.UserByEmail(ctx, "ada@example.com")
	_, body := b.get("/account")
	if !strings.Contains(body, `id="app-form"`) {
		t.Fatalf("no way to add an app on the account page:\n%s", body)
	}
	res, _ := b.post("/account/app", url.Values{"password": {"wrong password here"}})
	expectRedirect(t, res, "/account")
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 0 {
		t.Fatalf("a wrong password added %d factors", len(fs))
	}
	res, _ = b.post("/account/app", url.Values{"password": {goodPassword}})
	expectRedirect(t, res, "/account/app")
	res, body = b.get("/account/app")
	secret := regexpFind(t, `id="app-secret">([A-Z2-7]+)<`, body)
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", cc)
	}
	if _, again := b.get("/account/app"); strings.Contains(again, secret) || !strings.Contains(again, `id="app-confirm"`) {
		t.Errorf("second showing: the key again, or no confirm form:\n%s", again)
	}
	for _, code := range []string{"12345", wrongCode(phonegate.TOTPCode(secret, h.clock.Now()))} {
		res, _ = b.post("/account/app/confirm", url.Values{"code": {code}})
		expectRedirect(t, res, "/account/app")
	}
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 1 || fs[0].Confirmed() {
		t.Fatalf("after wrong first codes: got %+v, want one unconfirmed app", fs)
	}
	res, _ = b.post("/account/app/confirm", url.Values{"code": {phonegate.TOTPCode(secret, h.clock.Now())}})
	expectRedirect(t, res, "/account")
	_, body = b.get("/account")
	if !strings.Contains(body, `id="factors"`) || strings.Contains(body, `id="app-form"`) || strings.Contains(body, "waiting for its") {
		t.Errorf("account page after confirmation: want the app listed and no add form:\n%s", body)
	}
}

// TestAppLogin: with an app, the code page offers it first and sends
// nothing by itself; its code logs in once; a replay and wrong codes are
// refused and count toward the lock; the app's use is remembered.
func TestAppLogin(t *testing.T) {
	h, _, secret, projectID := withApp(t)
	smsBefore, _ := h.sender.counts()

	b := h.pending()
	_, body := b.get("/verify")
	app, send := strings.Index(body, `id="app-code-form"`), strings.Index(body, `id="send"`)
	if app < 0 || send < 0 || app > send {
		t.Errorf("code page: app form at %d, send form at %d; want the app first", app, send)
	}
	code := phonegate.TOTPCode(secret, h.clock.Now())
	if loc := expectRedirect(t, typeApp(b, code), "/"); loc != "/" {
		t.Errorf("app code: went to %q, want /", loc)
	}
	if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("GET / after the app code: got %d", res.StatusCode)
	}
	if sms, _ := h.sender.counts(); sms != smsBefore {
		t.Errorf("texts sent by a login with the app: got %d, want 0", sms-smsBefore)
	}
	if got := h.auditCount(projectID, "2fa.passed"); got == 0 {
		t.Error("the app's pass was not audited")
	}

	// The same code in another browser, within its window: refused.
	other := h.pending()
	res := typeApp(other, code)
	expectRedirect(t, res, "/verify")
	if _, body := other.get("/verify"); !strings.Contains(body, "not valid") {
		t.Errorf("replay: no refusal on the code page:\n%s", body)
	}
	u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
	if got, want := u.MFAFailures, 1; got != want {
		t.Errorf("failures after a replay: got %d, want %d", got, want)
	}
	for range phonegate.MaxMFAFailures - 1 {
		typeApp(other, wrongCode(phonegate.TOTPCode(secret, h.clock.Now())))
	}
	u, _ = h.db.UserByEmail(context.Background(), "ada@example.com")
	if !u.MFALockedUntil.After(h.clock.Now()) {
		t.Fatalf("after %d refused app codes: not locked", phonegate.MaxMFAFailures)
	}
	h.clock.Add(phonegate.TOTPPeriod)
	expectRedirect(t, typeApp(other, phonegate.TOTPCode(secret, h.clock.Now())), "/verify")
	if _, body := other.get("/verify"); !strings.Contains(body, `data-state="locked"`) || strings.Contains(body, `id="app-code-form"`) {
		t.Errorf("locked code page: want the lock and no app form:\n%s", body)
	}
	if got := h.auditCount(projectID, "2fa.locked"); got != 1 {
		t.Errorf("lock audited %d times, want 1", got)
	}
}

// TestAppRemembersSMS: after a login by SMS, the code page offers the
// app after the SMS; the emergency code is still offered.
func TestAppRemembersSMS(t *testing.T) {
	h, _, _, _ := withApp(t)
	b := h.pending()
	if res := h.passCode(b); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code: got %d", res.StatusCode)
	}
	next := h.pending()
	_, body := next.get("/verify")
	app, send := strings.Index(body, `id="app-code-form"`), strings.Index(body, `id="send"`)
	if app < 0 || send < 0 || app < send {
		t.Errorf("code page after an SMS login: app form at %d, send form at %d; want the SMS first", app, send)
	}
	if !strings.Contains(body, `action="/verify/emergency"`) {
		t.Error("no emergency code form beside the app")
	}
}

// TestAppRemove: removing the app takes the password; then the code page
// no longer offers it; an admin's reset removes it too.
func TestAppRemove(t *testing.T) {
	h, b, _, projectID := withApp(t)
	ctx := context.Background()
	u, _ := h.db.UserByEmail(ctx, "ada@example.com")
	fs, _ := h.db.Factors(ctx, u.ID)
	if len(fs) != 1 {
		t.Fatalf("factors: got %d, want 1", len(fs))
	}
	id := strconvFormat(fs[0].ID)
	b.get("/account")
	res, _ := b.post("/account/factors/remove", url.Values{"factor": {id}, "password": {"wrong password here"}})
	expectRedirect(t, res, "/account")
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 1 {
		t.Fatalf("a wrong password removed the app")
	}
	res, _ = b.post("/account/factors/remove", url.Values{"factor": {"x"}, "password": {goodPassword}})
	expectRedirect(t, res, "/account")
	res, _ = b.post("/account/factors/remove", url.Values{"factor": {id}, "password": {goodPassword}})
	expectRedirect(t, res, "/account")
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 0 {
		t.Fatalf("after removal: %d factors", len(fs))
	}
	for _, kind := range []string{"factor.added", "factor.removed"} {
		if got := h.auditCount(projectID, kind); got != 1 {
			t.Errorf("audit %s: got %d, want 1", kind, got)
		}
	}
	if _, body := h.pending().get("/verify"); strings.Contains(body, `id="app-code-form"`) {
		t.Error("the code page offers a removed app")
	}

	h.addApp(b)
	if err := h.db.ResetSecondFactor(ctx, u.ID, 0, []byte("mac"), h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if fs, _ := h.db.Factors(ctx, u.ID); len(fs) != 0 {
		t.Errorf("after a reset: %d factors, want 0", len(fs))
	}
}

// TestAppTrustsComputer: a project that trusts computers trusts one that
// passed with the app, as after a code.
func TestAppTrustsComputer(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.LevelPerComputer)
	secret := h.addApp(b)
	h.clock.Add(phonegate.TOTPPeriod)
	fresh := h.pending()
	expectRedirect(t, typeApp(fresh, phonegate.TOTPCode(secret, h.clock.Now())), "/")
	if !relogin(t, fresh) {
		t.Error("after the app's code, the next login asked for a code again")
	}
}
