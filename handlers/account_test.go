package handlers_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

func TestAccountChangePhone(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.LevelPerComputer)
	u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
	oldHash := u.EmergencyHash

	b.get("/account")
	res, path, body := b.follow(b.post("/account/phone", url.Values{"password": {"wrong password here"}, "country": {"US"},
		"phone": {testPhone2}, "channel": {"sms"}}))
	expectFormError(t, res, path, body, "/account", "That password is not right.")
	b.get("/account")
	res, _ = b.post("/account/phone", url.Values{"password": {goodPassword}, "country": {"US"},
		"phone": {testPhone2}, "channel": {"sms"}})
	expectRedirect(t, res, "/verify")
	if got := h.sender.lastTo(); got != testPhone2 {
		t.Fatalf("code sent to %s, want the new phone %s", got, testPhone2)
	}
	// Until the new phone's code is typed, the old phone stays.
	if got, _ := h.db.User(context.Background(), u.ID); got.Phone != testPhone {
		t.Errorf("phone changed to %s before the code", got.Phone)
	}
	_, page := b.get("/verify")
	if !strings.Contains(page, "Verify your phone") {
		t.Error("the code page does not say it verifies a new phone")
	}
	res, _ = b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}, "next": {"/account"}})
	loc := expectRedirect(t, res, "/phone/done")
	_, body = b.get(loc)
	regexpFind(t, `id="emergency-code">([^<]+)<`, body)

	got, _ := h.db.User(context.Background(), u.ID)
	if got.Phone != testPhone2 || !got.PhoneVerified || got.EmergencyHash == oldHash {
		t.Errorf("after the change: phone %s verified %v, new emergency code %v", got.Phone, got.PhoneVerified, got.EmergencyHash != oldHash)
	}
	if tcs, _ := h.db.TrustedComputers(context.Background(), u.ID); len(tcs) != 1 {
		t.Errorf("%d trusted computers, want only this one, trusted anew", len(tcs))
	}
}

func TestAccountRegenerateEmergencyCode(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	first := h.enroll(b, testPhone)

	b.get("/account")
	res, path, body := b.follow(b.post("/account/emergency", url.Values{"password": {"wrong password here"}}))
	expectFormError(t, res, path, body, "/account", "That password is not right.")
	res, _ = b.post("/account/emergency", url.Values{"password": {goodPassword}})
	loc := expectRedirect(t, res, "/phone/done")
	_, body = b.get(loc)
	second := regexpFind(t, `id="emergency-code">([^<]+)<`, body)
	if second == first {
		t.Fatal("the new emergency code is the old one")
	}

	for _, tt := range []struct {
		code string
		want string // where the form sends the browser
	}{{first, "/verify"}, {second, "/phone"}} {
		p := h.pending()
		p.get("/verify")
		res, _ := p.post("/verify/emergency", url.Values{"emergency_code": {tt.code}})
		expectRedirect(t, res, tt.want)
	}
}

func TestAccountPageLists(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.LevelPerComputer)
	_, page := b.get("/account")
	for _, want := range []string{"&#43;1 ••• ••• •671", "Change phone", "Make a new emergency code", `id="trusted"`,
		"(this one)", "Change password", "Sessions"} {
		if !strings.Contains(page, want) {
			t.Errorf("the account page lacks %q", want)
		}
	}
	_ = h
}

// TestPasswordRecheckThrottled: every form that asks for the password
// again answers a wrong one with the message on its page, and
// counts it toward the limit of failed logins; once the limit is reached,
// the right password is refused there and at login until the hour passes.
func TestPasswordRecheckThrottled(t *testing.T) {
	tests := []struct {
		name, path, page string
		form             func(password string) url.Values
	}{
		{"change password", "/account/password", "/account", func(pw string) url.Values {
			return url.Values{"current_password": {pw}, "new_password": {"a brand new password"}}
		}},
		{"change phone", "/account/phone", "/account", func(pw string) url.Values {
			return url.Values{"password": {pw}, "country": {"US"}, "phone": {testPhone2}, "channel": {"sms"}}
		}},
		{"regenerate the emergency code", "/account/emergency", "/account", func(pw string) url.Values {
			return url.Values{"password": {pw}}
		}},
		{"authenticate to make changes", "/projects/{id}/settings/authenticate", "/projects/{id}/settings", func(pw string) url.Values {
			return url.Values{"password": {pw}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, b, projectID := trustedBrowser(t, phonegate.LevelPerComputer)
			// Without its device cookie, the browser counts toward the
			// account-wide limit, as one that never logged in before.
			b.forgetCookie("phonegate_device")
			u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
			path := strings.ReplaceAll(tt.path, "{id}", strconvFormat(projectID))
			page := strings.ReplaceAll(tt.page, "{id}", strconvFormat(projectID))
			failures := func() int {
				t.Helper()
				n, err := h.db.CountEvents(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now().Add(-time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			b.get(page)
			res, at, body := b.follow(b.post(path, tt.form("wrong password here")))
			expectFormError(t, res, at, body, page, "That password is not right.")
			if n := failures(); n != 1 {
				t.Errorf("%d failures counted, want 1", n)
			}
			for n := failures(); n < 100; n++ {
				if err := h.db.AddEvent(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			b.get(page)
			res, at, body = b.follow(b.post(path, tt.form(goodPassword)))
			expectFormError(t, res, at, body, page, "That password is not right.")
			expectLoginRefused(t, h.browser().login("ada@example.com", goodPassword))
		})
	}
}
