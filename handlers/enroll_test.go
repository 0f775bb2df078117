package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

func TestEnrollmentNumbers(t *testing.T) {
	tests := []struct {
		name    string
		country string
		phone   string
		channel string
		status  int
		words   string // on the page when refused
		to      string // E.164 the code went to, when sent
	}{
		{"national number with its country", "US", "(415) 555-2671", "sms", http.StatusSeeOther, "", "+14155552671"},
		{"international number", "GB", "+1 415 555 2671", "call", http.StatusSeeOther, "", "+14155552671"},
		{"premium rate", "GB", "+44 909 879 0000", "sms", http.StatusBadRequest, "premium-rate and shared-cost numbers cannot be used", ""},
		{"shared cost", "GB", "0844 333 4444", "call", http.StatusBadRequest, "premium-rate and shared-cost numbers cannot be used", ""},
		{"landline by SMS", "GB", "020 7946 0000", "sms", http.StatusBadRequest, "cannot receive text messages: choose a voice call", ""},
		{"landline by call", "GB", "020 7946 0000", "call", http.StatusSeeOther, "", "+442079460000"},
		{"not a number", "US", "12", "sms", http.StatusBadRequest, "does not look like a valid phone number", ""},
		{"country not allowed", "FR", "06 12 34 56 78", "sms", http.StatusBadRequest, "codes cannot be sent to numbers in that country", ""},
		{"no channel", "US", "(415) 555-2671", "", http.StatusBadRequest, "a text message or a voice call", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t, func(c *handlers.Config) { c.AllowedCountries = []string{"US", "GB"} })
			_, p := h.addUser("ada@example.com", goodPassword, "Engine")
			h.setLevel(p.ID, phonegate.LevelEveryLogin)
			b := h.browser()
			b.login("ada@example.com", goodPassword)
			if res, _ := b.get("/"); res.Header.Get("Location") != "/phone" {
				t.Fatalf("a user without a phone on a 2FA project: got %d to %q, want /phone", res.StatusCode, res.Header.Get("Location"))
			}
			_, page := b.get("/phone")
			if !strings.Contains(page, "weakest kind of second factor") || !strings.Contains(page, `<option value="US" selected>`) {
				t.Errorf("the phone page lacks the notice or the US default")
			}
			if strings.Contains(page, `value="FR"`) {
				t.Error("the phone page offers a country that is not allowed")
			}
			// Every answer is a redirect (post, redirect, get): a refusal goes
			// back to the phone page, which says why and keeps what was typed.
			res, body := b.post("/phone", url.Values{"country": {tt.country}, "phone": {tt.phone}, "channel": {tt.channel}})
			want := "/verify"
			if tt.status != http.StatusSeeOther {
				want = "/phone"
			}
			expectRedirect(t, res, want)
			sms, calls := h.sender.counts()
			if tt.to == "" {
				res, body = b.get(res.Header.Get("Location"))
				if res.StatusCode != http.StatusOK || !strings.Contains(strings.ToLower(body), strings.ToLower(tt.words)) {
					t.Errorf("the phone page after the refusal: got %d, want it to say %q\n%s", res.StatusCode, tt.words, body)
				}
				if !strings.Contains(body, `value="`+strings.ReplaceAll(tt.phone, "+", "&#43;")+`"`) ||
					(strings.Contains(body, `<option value="`+tt.country+`"`) && !strings.Contains(body, `<option value="`+tt.country+`" selected>`)) {
					t.Errorf("the phone page after the refusal lost the number or country typed\n%s", body)
				}
				if _, again := b.get("/phone"); strings.Contains(again, tt.words) {
					t.Errorf("a reload shows the refusal again")
				}
				if sms+calls != 0 {
					t.Errorf("a refused number got %d messages and %d calls", sms, calls)
				}
				return
			}
			if got := h.sessionChallenge(b).Phone; got != tt.to {
				t.Errorf("challenge to %s, want %s", got, tt.to)
			}
			if (tt.channel == "sms") != (sms == 1) || (tt.channel == "call") != (calls == 1) {
				t.Errorf("sent %d messages and %d calls for %s", sms, calls, tt.channel)
			}
		})
	}
}

// TestEnrollByCall verifies a landline by voice: the code is the one the
// call would speak.
func TestEnrollByCall(t *testing.T) {
	h := newTwoFactor(t)
	u, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	res, _ := b.post("/phone", url.Values{"country": {"GB"}, "phone": {"020 7946 0000"}, "channel": {"call"}})
	expectRedirect(t, res, "/verify")
	ch := h.sessionChallenge(b)
	code, err := testKeys(t).Open(ch.ID, ch.CodeSealed)
	if err != nil {
		t.Fatal(err)
	}
	_, page := b.get("/verify")
	if strings.Contains(page, "Text me") {
		t.Error("a landline is offered text messages")
	}
	res, _ = b.post("/verify", url.Values{"code": {code}})
	expectRedirect(t, res, "/phone/done")
	got, _ := h.db.User(context.Background(), u.ID)
	if got.Phone != "+442079460000" || !got.PhoneVerified || got.PreferredChannel != "call" {
		t.Errorf("after the call: phone %q verified %v preferred %q", got.Phone, got.PhoneVerified, got.PreferredChannel)
	}
}

// TestPhonePageGuard: a session that passed only the password cannot swap
// the phone its code goes to.
func TestPhonePageGuard(t *testing.T) {
	h, u, _ := enrolled(t, phonegate.LevelEveryLogin)
	b := h.pending()
	smsBefore, _ := h.sender.counts()
	if res, _ := b.get("/phone"); !strings.HasPrefix(res.Header.Get("Location"), "/verify") {
		t.Errorf("GET /phone: got %d to %q, want the code page", res.StatusCode, res.Header.Get("Location"))
	}
	b.get("/verify")
	res, _ := b.post("/phone", url.Values{"country": {"US"}, "phone": {testPhone2}, "channel": {"sms"}})
	if !strings.HasPrefix(res.Header.Get("Location"), "/verify") {
		t.Errorf("POST /phone: got %d to %q, want the code page", res.StatusCode, res.Header.Get("Location"))
	}
	if sms, _ := h.sender.counts(); sms != smsBefore {
		t.Error("a pending session sent a code to a new phone")
	}
	if got, _ := h.db.User(context.Background(), u.ID); got.Phone != testPhone {
		t.Errorf("phone is %s, want %s", got.Phone, testPhone)
	}
}
