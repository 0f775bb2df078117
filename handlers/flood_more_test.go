package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestCodeCheckAddrLimit: wrong codes from one address are limited to 30
// in 15 minutes, across challenges and sessions, whatever the per-challenge
// and account rules already refused.
func TestCodeCheckAddrLimit(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	h.enroll(b, testPhone)
	b = h.pending()
	code := h.sendSMS(b)
	b.get("/verify")
	for range 30 {
		// Refused codes go back to the code page (post, redirect, get)
		// and still count.
		res, _ := b.post("/verify", url.Values{"code": {wrongCode(code)}})
		expectRedirect(t, res, "/verify")
	}
	res, body := b.post("/verify", url.Values{"code": {code}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("31st code check: got %d (Retry-After %q), want 429 with Retry-After\n%s", res.StatusCode,
			res.Header.Get("Retry-After"), body)
	}
}

// TestRecheckAddrLimit: wrong passwords typed again in the settings are
// limited per address (20 in 15 minutes) before the account-wide throttle;
// right ones are not counted.
func TestRecheckAddrLimit(t *testing.T) {
	_, b, projectID := trustedBrowser(t, phonegate.LevelPerComputer)
	path := "/projects/" + strconvFormat(projectID) + "/settings/authenticate"
	b.get("/projects/" + strconvFormat(projectID) + "/settings")
	for range 5 {
		expectRedirect(t, first(b.post(path, url.Values{"password": {goodPassword}})), "/projects/")
	}
	settings := "/projects/" + strconvFormat(projectID) + "/settings"
	for range 20 {
		res, at, body := b.follow(b.post(path, url.Values{"password": {"not my password at all"}}))
		expectFormError(t, res, at, body, settings, "That password is not right.")
	}
	res, _ := b.post(path, url.Values{"password": {goodPassword}})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("re-check past the limit: got %d (Retry-After %q), want 429", res.StatusCode, res.Header.Get("Retry-After"))
	}
}

func first(res *http.Response, _ string) *http.Response { return res }

// TestNewPasswordRefused: every form that sets a password refuses a
// common one, the service's name and the email's name, with the reason.
func TestNewPasswordRefused(t *testing.T) {
	tests := []struct {
		name, password, want string
	}{
		{"common", "password1234", "too easy to guess"},
		{"service name", "phonegate violet spoon 7", "may not contain the service"},
		{"email name", "ada violet tractor spoon", "name of your email"},
		{"short", "short", "12 to 128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			ctx := context.Background()
			link, err := h.srv.SetupLink(ctx)
			if err != nil {
				t.Fatal(err)
			}
			token := strings.TrimPrefix(link, "http://127.0.0.1:8080/setup?token=")
			b := h.browser()
			b.get("/setup?token=" + token)
			res, at, body := b.follow(b.post("/setup", url.Values{"token": {token}, "email": {"ada@example.com"}, "password": {tt.password}, "project": {"First"}}))
			expectFormError(t, res, at, body, "/setup", tt.want)
			res, _ = b.post("/setup", url.Values{"token": {token}, "email": {"ada@example.com"}, "password": {goodPassword}, "project": {"First"}})
			expectRedirect(t, res, "/login")
			expectLoggedIn(t, b.login("ada@example.com", goodPassword))

			b.get("/account")
			res, at, body = b.follow(b.post("/account/password", url.Values{"current_password": {goodPassword}, "new_password": {tt.password}}))
			expectFormError(t, res, at, body, "/account", tt.want)

			add, err := h.srv.AddUser(ctx, "ada2@example.com", "First", "developer", "")
			if err != nil {
				t.Fatal(err)
			}
			inviteURL := strings.TrimPrefix(add.InviteURL, "http://127.0.0.1:8080")
			guest := h.browser()
			guest.get(inviteURL)
			pw := strings.ReplaceAll(tt.password, "ada ", "ada2 ")
			res, at, body = guest.follow(guest.post(inviteURL, url.Values{"password": {pw}}))
			expectFormError(t, res, at, body, inviteURL, tt.want)

			_, err = h.srv.AddUser(ctx, "ada3@example.com", "First", "developer", strings.ReplaceAll(tt.password, "ada ", "ada3 "))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("AddUser: got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

// TestPasswordNormalized: a password set in one Unicode form logs in when
// typed in another, and a hash made before passwords were normalized
// still matches the password as typed, and is redone in the normalized
// form.
func TestPasswordNormalized(t *testing.T) {
	const composed = "caf\u00e9 violet tractor spoon"
	const decomposed = "cafe\u0301 violet tractor spoon"
	h := newHarness(t)
	// An old account: its hash is of the decomposed form, as typed.
	u, _ := h.addUser("ada@example.com", decomposed, "P")
	if res := h.browser().login("ada@example.com", composed); !refused(res) {
		t.Fatalf("the composed form against an old hash of the decomposed one: got %d, want 303 back to the login", res.StatusCode)
	}
	expectLoggedIn(t, h.browser().login("ada@example.com", decomposed))
	after, _ := h.db.User(context.Background(), u.ID)
	if after.PasswordHash == u.PasswordHash {
		t.Fatal("the old hash was not redone")
	}
	ok, _, err := phonegate.NewHasher(testArgon2).Verify(context.Background(), composed, after.PasswordHash)
	if err != nil || !ok {
		t.Errorf("the new hash is not of the normalized form: %v, %v", ok, err)
	}
	expectLoggedIn(t, h.browser().login("ada@example.com", composed))
	expectLoggedIn(t, h.browser().login("ada@example.com", decomposed))
}

// TestRecoveryAddrLimit: recovery codes refused from one address (wrong
// ones, and any while the account is locked) are limited to 20 in 15
// minutes.
func TestRecoveryAddrLimit(t *testing.T) {
	f := newResetFixture(t, true)
	code := f.resetCode()
	b := f.as("dev@example.com")
	for i := range 20 {
		if res := useRecovery(b, "0000-0000-0000-00"+fmt.Sprintf("%02d", i)); !recoveryRefused(b, res) {
			t.Fatalf("wrong recovery code %d: got %d, want it refused", i+1, res.StatusCode)
		}
	}
	res := useRecovery(b, code)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Errorf("the right code past the address's limit: got %d (Retry-After %q), want 429", res.StatusCode, res.Header.Get("Retry-After"))
	}
}
