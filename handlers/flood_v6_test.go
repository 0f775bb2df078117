package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// TestLoginAddrLimitIPv6: the per-address login limit counts an IPv6
// client by its /64, as the send caps do, so that a subscriber cannot
// step past it one address of their prefix at a time; another /64 is
// another client.
func TestLoginAddrLimitIPv6(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.get("/login")
	for i := range 50 {
		addr := fmt.Sprintf("2001:db8:1:2::%x", i+1)
		if res, _ := wrongLogin(b, "ada@example.com", addr); !refused(res) {
			t.Fatalf("failure %d from %s: got %d, want 303 back to the login", i+1, addr, res.StatusCode)
		}
	}
	res, _ := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}}, from("2001:db8:1:2:ffff::1")...)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("51st attempt from the same /64: got %d, want 429", res.StatusCode)
	}
	res, _ = b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}}, from("2001:db8:1:3::1")...)
	expectLoggedIn(t, res)
}
