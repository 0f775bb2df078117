package handlers_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestRefusedNumberKeepsTheCodeOnItsWay: a new number that a send cap
// refuses changes nothing. The phone page says why, with the number typed
// in again, and the session's challenge is still the one whose code went
// out, which still works.
func TestRefusedNumberKeepsTheCodeOnItsWay(t *testing.T) {
	h := newTwoFactor(t)
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.get("/phone")
	var last string
	for i := range phonegate.MaxNewNumbers {
		last = fmt.Sprintf("+1415555%04d", 2600+i*100) // three ranges: only the new-number cap applies
		b.submit("/phone", url.Values{"country": {"US"}, "phone": {last}, "channel": {"sms"}})
	}
	sent := h.sessionChallenge(b)
	code := h.sender.codeTo(last)
	if sent.Phone != last || code == "" {
		t.Fatalf("the session's challenge is to %s with code %q, want the last number tried, %s, with its code", sent.Phone, code, last)
	}

	res, page := b.submit("/phone", url.Values{"country": {"US"}, "phone": {"+14155559000"}, "channel": {"sms"}})
	if res.Request.URL.Path != "/phone" || !strings.Contains(page, "new phone numbers today") ||
		!strings.Contains(page, "4155559000") {
		t.Errorf("the refused number: shown %s, want the phone page with the reason and the number typed\n%s", res.Request.URL.Path, page)
	}
	if got := h.sessionChallenge(b); got.ID != sent.ID || got.State != phonegate.ChallengePending || len(got.CodeSealed) == 0 {
		t.Fatalf("after the refusal the session's challenge is %s (%s), want %s still pending", got.ID, got.State, sent.ID)
	}
	res, _ = b.post("/verify", url.Values{"code": {code}})
	expectRedirect(t, res, "/phone/done")
}
