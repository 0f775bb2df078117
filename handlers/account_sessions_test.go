package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestLogOutOtherSessions: after the password, the button on the account
// page ends every other session of the user, one still at the code step
// too, says how many, and is audited; this session and other users' stay.
func TestLogOutOtherSessions(t *testing.T) {
	h, u, p := enrolled(t, phonegate.LevelEveryLogin)
	h.addUser("bob@example.com", goodPassword, "Bob's")
	bob := h.browser()
	bob.login("bob@example.com", goodPassword)

	me := h.pending()
	expectRedirect(t, h.passCode(me), "/")
	atCode := h.pending() // between the password and the code
	other := h.pending()
	expectRedirect(t, h.passCode(other), "/")
	// The session enrolled() left, and these three.
	if ss, _ := h.db.UserSessions(context.Background(), u.ID); len(ss) != 4 {
		t.Fatalf("%d sessions before, want 4", len(ss))
	}

	_, page := me.get("/account")
	pw, button := strings.Index(page, `id="others_password"`), strings.Index(page, "Log out all other sessions")
	if pw < 0 || button < pw {
		t.Fatalf("the account page has no password field followed by the button:\n%s", page)
	}

	// A wrong password changes nothing.
	res, at, body := me.follow(me.post("/account/sessions/revoke-others", url.Values{"password": {"not the password at all"}}))
	expectFormError(t, res, at, body, "/account", "That password is not right.")
	if !strings.Contains(formSection(body, "revoke-others"), "That password is not right.") {
		t.Errorf("the error is not beside the form:\n%s", body)
	}
	if ss, _ := h.db.UserSessions(context.Background(), u.ID); len(ss) != 4 {
		t.Errorf("%d sessions after a wrong password, want 4", len(ss))
	}

	res, _ = me.post("/account/sessions/revoke-others", url.Values{"password": {goodPassword}})
	expectRedirect(t, res, "/account")
	expectFlashOnce(t, me, "/account", "3 other sessions were logged out.")
	for name, b := range map[string]*browser{"at the code step": atCode, "past the code": other} {
		res, _ := b.get("/verify")
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("the other session %s: got %d to %q, want 303 to the login", name, res.StatusCode, loc)
		}
	}
	for name, b := range map[string]*browser{"this session": me, "bob's": bob} {
		if res, _ := b.get("/"); res.StatusCode != http.StatusOK {
			t.Errorf("%s after the button: got %d, want 200", name, res.StatusCode)
		}
	}

	es, _ := h.db.AuditEvents(context.Background(), p.ID, 0, 5)
	if len(es) == 0 || es[0].Kind != "sessions.revoked" || es[0].Detail != "3 other sessions logged out" || es[0].UserID != u.ID {
		t.Errorf("newest audit event = %+v, want sessions.revoked: 3 other sessions logged out", es[:min(1, len(es))])
	}

	// Again: nothing left to end, and the page says so.
	res, _ = me.post("/account/sessions/revoke-others", url.Values{"password": {goodPassword}})
	expectRedirect(t, res, "/account")
	expectFlashOnce(t, me, "/account", "No other session was open: there was nothing to log out.")
}

// TestAccountPageSaysNothingFromTheURL: the account page's confirmations
// come from the form that was sent (the flash), never from the URL, so a
// link cannot make the page say anything.
func TestAccountPageSaysNothingFromTheURL(t *testing.T) {
	h, _, _ := enrolled(t, phonegate.LevelOff)
	b := h.browser()
	b.login("ada@example.com", goodPassword)
	for _, query := range []string{"done=others&n=1", "done=others&n=%3Cscript%3E", "done=session", "done=password"} {
		if _, page := b.get("/account?" + query); strings.Contains(page, `class="flash"`) {
			t.Errorf("/account?%s shows a confirmation:\n%s", query, page)
		}
	}
}
