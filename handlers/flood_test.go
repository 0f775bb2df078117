package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// wrongLogin posts a wrong password for email from addr and returns the answer.
func wrongLogin(b *browser, email, addr string) (*http.Response, string) {
	b.h.t.Helper()
	return b.post("/login", url.Values{"email": {email}, "password": {"not the password at all"}}, from(addr)...)
}

// TestLoginAddrLimit: 50 failed logins from one address in 15 minutes,
// then that address gets 429 with Retry-After and a page in words, even
// with the right password; another address does not; the window passes.
func TestLoginAddrLimit(t *testing.T) {
	h := newHarness(t)
	h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.get("/login")
	for i := range 50 {
		email := "ada@example.com"
		if i%2 == 1 {
			email = fmt.Sprintf("nobody%d@example.com", i) // unknown emails count too
		}
		if res, _ := wrongLogin(b, email, "203.0.113.7"); !refused(res) {
			t.Fatalf("failure %d: got %d, want 303 back to the login", i+1, res.StatusCode)
		}
	}
	res, body := b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}}, from("203.0.113.7")...)
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "Too many failed attempts came from your network") {
		t.Fatalf("51st attempt: got %d, want 429 with the page in words\n%s", res.StatusCode, body)
	}
	if got, want := res.Header.Get("Retry-After"), strconv.Itoa(15*60); got != want {
		t.Errorf("Retry-After = %q, want %q", got, want)
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("429 page Cache-Control = %q, want no-store", got)
	}
	res, _ = b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}}, from("203.0.113.8")...)
	expectLoggedIn(t, res)
	h.clock.Add(15*time.Minute + time.Second)
	b2 := h.browser()
	b2.get("/login")
	res, _ = b2.post("/login", url.Values{"email": {"ada@example.com"}, "password": {goodPassword}}, from("203.0.113.7")...)
	expectLoggedIn(t, res)
}

// TestOfficeBehindOneAddress: 50 people behind one NAT address log in,
// each three times, with a typo now and then: nobody is refused, because
// successful logins are not counted.
func TestOfficeBehindOneAddress(t *testing.T) {
	h := newHarness(t)
	const people = 50
	for i := range people {
		h.addUser(fmt.Sprintf("user%02d@example.com", i), goodPassword, fmt.Sprintf("P%02d", i))
	}
	for round := range 3 {
		for i := range people {
			b := h.browser()
			b.get("/login")
			email := fmt.Sprintf("user%02d@example.com", i)
			if round == 0 && i%5 == 0 { // ten typos in all
				if res, _ := wrongLogin(b, email, "192.0.2.50"); !refused(res) {
					t.Fatalf("typo of %s: got %d, want 303 back to the login", email, res.StatusCode)
				}
			}
			res, _ := b.post("/login", url.Values{"email": {email}, "password": {goodPassword}}, from("192.0.2.50")...)
			if !loggedIn(res) {
				t.Fatalf("round %d, %s: got %d, want 303 in", round+1, email, res.StatusCode)
			}
		}
	}
	n, err := h.db.CountEvents(context.Background(), phonegate.AddrLimitKey("login", "192.0.2.50"), h.clock.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Errorf("attempts counted against the office's address = %d, want the 10 typos", n)
	}
}

// TestDeviceCookieBeatsTargetedLockout: an attacker sends 100 wrong
// passwords for the owner's account from one address (50, then 50 more
// once its own limit's window has passed), filling the account-wide
// throttle; a browser that never logged in is refused even with the
// right password, but the owner's browser, with its device cookie, logs
// in at once.
func TestDeviceCookieBeatsTargetedLockout(t *testing.T) {
	h := newHarness(t)
	u, _ := h.addUser("ada@example.com", goodPassword, "P")
	owner := h.browser()
	expectLoggedIn(t, owner.login("ada@example.com", goodPassword))
	if owner.cookie("phonegate_device") == nil {
		t.Fatal("no device cookie after a successful login")
	}
	owner.post("/logout", url.Values{})

	attacker := h.browser()
	attacker.get("/login")
	for i := range 100 {
		if i == 50 {
			h.clock.Add(15*time.Minute + time.Second)
		}
		if res, _ := wrongLogin(attacker, "ada@example.com", "203.0.113.66"); !refused(res) {
			t.Fatalf("wrong password %d: got %d, want 303 back to the login", i+1, res.StatusCode)
		}
	}
	n, _ := h.db.CountEvents(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now().Add(-time.Hour))
	if n != 100 {
		t.Fatalf("account-wide failures = %d, want 100", n)
	}
	if res := h.browser().login("ada@example.com", goodPassword); !refused(res) {
		t.Errorf("right password from a new browser with the account throttled: got %d, want 303 back to the login", res.StatusCode)
	}
	expectLoggedIn(t, owner.login("ada@example.com", goodPassword))
}

// TestDeviceCookieOwnLimit: a device cookie's failures count against that
// device alone, up to 10; past them it is a browser like any other, and
// the account-wide throttle applies to it.
func TestDeviceCookieOwnLimit(t *testing.T) {
	h := newHarness(t)
	u, _ := h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	b.post("/logout", url.Values{})
	b.get("/login")
	for i := range 10 {
		if res, _ := wrongLogin(b, "ada@example.com", "192.0.2.1"); !refused(res) {
			t.Fatalf("wrong password %d: got %d", i+1, res.StatusCode)
		}
	}
	n, _ := h.db.CountEvents(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now().Add(-time.Hour))
	if n != 0 {
		t.Errorf("account-wide failures after the device's own = %d, want 0", n)
	}
	wrongLogin(b, "ada@example.com", "192.0.2.1")
	n, _ = h.db.CountEvents(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now().Add(-time.Hour))
	if n != 1 {
		t.Errorf("account-wide failures once the device's limit is reached = %d, want 1", n)
	}
	for n < 100 {
		h.db.AddEvent(context.Background(), phonegate.FailedLoginKey(u.ID), h.clock.Now())
		n++
	}
	if res := b.login("ada@example.com", goodPassword); !refused(res) {
		t.Errorf("a device past its limit, account throttled: got %d, want 303 back to the login", res.StatusCode)
	}
}

// TestDeviceCookieIsBound: a device cookie exempts only the account it was
// issued for, and a forged one nothing.
func TestDeviceCookieIsBound(t *testing.T) {
	h := newHarness(t)
	bob, _ := h.addUser("bob@example.com", goodPassword, "B")
	h.addUser("ada@example.com", goodPassword, "A")
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	ada := b.cookie("phonegate_device")
	b.post("/logout", url.Values{})
	for range 100 {
		h.db.AddEvent(context.Background(), phonegate.FailedLoginKey(bob.ID), h.clock.Now())
	}
	if res := b.login("bob@example.com", goodPassword); !refused(res) {
		t.Errorf("Ada's device cookie for Bob's throttled account: got %d, want 303 back to the login", res.StatusCode)
	}
	id, _, _ := strings.Cut(ada.Value, ".")
	forged := h.browser()
	u, _ := url.Parse(h.http.URL)
	_, rest, _ := strings.Cut(ada.Value, ".")
	forged.c.Jar.SetCookies(u, []*http.Cookie{{Name: "phonegate_device", Value: strconvFormat(bob.ID) + "." + rest, Path: "/"}})
	if id == strconvFormat(bob.ID) {
		t.Fatal("the test needs two users with different IDs")
	}
	if res := forged.login("bob@example.com", goodPassword); !refused(res) {
		t.Errorf("a device cookie with Bob's ID and Ada's signature: got %d, want 303 back to the login", res.StatusCode)
	}
}

// TestFailedLoginLoggedAndAudited: a wrong password is logged without the
// password and audited in the user's projects with the client address;
// an unknown email is logged by a digest, not in the clear.
func TestFailedLoginLoggedAndAudited(t *testing.T) {
	h := newHarness(t)
	_, p := h.addUser("ada@example.com", goodPassword, "P")
	b := h.browser()
	b.get("/login")
	b.post("/login", url.Values{"email": {"ada@example.com"}, "password": {"hunter2 hunter2 secret"}}, from("198.51.100.23")...)
	b.post("/login", url.Values{"email": {"mallory@example.com"}, "password": {"hunter2 hunter2 secret"}}, from("198.51.100.23")...)
	es, err := h.db.AuditEvents(context.Background(), p.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 || es[0].Kind != "login.failed" || es[0].Detail != "wrong password from 198.51.100.23" {
		t.Errorf("newest audit event = %+v, want login.failed from 198.51.100.23", es)
	}
	logs := h.logs.String()
	for _, secret := range []string{"hunter2", "mallory@example.com"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
	for _, want := range []string{`"message":"login failed"`, `"message":"login failed: unknown email"`, `"email_sha256"`, `"addr":"198.51.100.23"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s:\n%s", want, logs)
		}
	}
}

// TestOpenPagesNoStore: the login, setup and invite pages, and their error
// pages, are never cached.
func TestOpenPagesNoStore(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.get("/login")
	for _, tt := range []struct {
		method, path string
	}{
		{"GET", "/login"},
		{"POST", "/login"},
		{"GET", "/setup?token=wrong"},
		{"POST", "/setup"},
		{"GET", "/invite/no-such-token"},
		{"POST", "/invite/no-such-token"},
	} {
		var res *http.Response
		if tt.method == "GET" {
			res, _ = b.get(tt.path)
		} else {
			res, _ = b.post(tt.path, url.Values{"email": {"x@example.com"}, "password": {"wrong wrong wrong"}})
		}
		if got := res.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s (%d): Cache-Control = %q, want no-store", tt.method, tt.path, res.StatusCode, got)
		}
	}
}
