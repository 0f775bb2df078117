package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

func TestAccountChangePhone(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.LevelPerComputer)
	u, _ := h.db.UserByEmail(context.Background(), "ada@example.com")
	oldHash := u.EmergencyHash

	b.get("/account")
	res, body := b.post("/account/phone", url.Values{"password": {"wrong password here"}, "country": {"US"},
		"phone": {testPhone2}, "channel": {"sms"}})
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "That password is not right.") {
		t.Fatalf("wrong password: got %d", res.StatusCode)
	}
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
	if res, _ := b.post("/account/emergency", url.Values{"password": {"wrong password here"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: got %d, want 401", res.StatusCode)
	}
	res, _ := b.post("/account/emergency", url.Values{"password": {goodPassword}})
	loc := expectRedirect(t, res, "/phone/done")
	_, body := b.get(loc)
	second := regexpFind(t, `id="emergency-code">([^<]+)<`, body)
	if second == first {
		t.Fatal("the new emergency code is the old one")
	}

	for _, tt := range []struct {
		code string
		want int
	}{{first, http.StatusUnauthorized}, {second, http.StatusSeeOther}} {
		p := h.pending()
		p.get("/verify")
		if res, _ := p.post("/verify/emergency", url.Values{"emergency_code": {tt.code}}); res.StatusCode != tt.want {
			t.Errorf("emergency code: got %d, want %d", res.StatusCode, tt.want)
		}
	}
}

func TestAccountPageLists(t *testing.T) {
	h, b, _ := trustedBrowser(t, phonegate.LevelPerComputer)
	_, page := b.get("/account")
	for _, want := range []string{"•••••••671", "Change phone", "Make a new emergency code", `id="trusted"`,
		"(this one)", "Change password", "Sessions"} {
		if !strings.Contains(page, want) {
			t.Errorf("the account page lacks %q", want)
		}
	}
	_ = h
}
