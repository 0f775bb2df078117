package handlers_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestRemoveAsksFirst checks that removing a member, cancelling an
// invitation or leaving shows a page that names the member and changes
// nothing until its own form is sent.
func TestRemoveAsksFirst(t *testing.T) {
	h, p := team(t)
	ctx := context.Background()
	dev, _ := h.db.UserByEmail(ctx, "dev@example.com")
	admin, _ := h.db.UserByEmail(ctx, "admin@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	tests := []struct {
		name     string
		as       string
		user     int64
		question string
		button   string
	}{
		{"remove a member", "owner@example.com", dev.ID, "Remove dev@example.com from Engine?", "Remove dev@example.com"},
		{"leave", "admin@example.com", admin.ID, "Leave Engine?", "Leave Engine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := h.as(tt.as)
			b.get(members)
			res, _ := b.post(members+"/remove", url.Values{"user": {strconvFormat(tt.user)}})
			loc := expectRedirect(t, res, members+"/confirm?")
			res, body := b.get(loc)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: got %d, want 200 and a question", loc, res.StatusCode)
			}
			for _, want := range []string{tt.question, tt.button, `name="confirm" value="1"`,
				`href="/projects/` + strconvFormat(p.ID) + `/members">Cancel`} {
				if !strings.Contains(html.UnescapeString(body), want) {
					t.Errorf("the confirmation lacks %q", want)
				}
			}
			if _, err := h.db.Member(ctx, p.ID, tt.user); err != nil {
				t.Fatalf("asking removed the member: %v", err)
			}
			res, _ = b.post(members+"/remove", url.Values{"user": {strconvFormat(tt.user)}, "confirm": {"1"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirmed POST: got %d, want 303", res.StatusCode)
			}
			if _, err := h.db.Member(ctx, p.ID, tt.user); err == nil {
				t.Error("the confirmed removal left the member in")
			}
		})
	}
}

// TestResetAsksFirst checks that a reset, once authenticated, asks first,
// names the member, and resets only when confirmed.
func TestResetAsksFirst(t *testing.T) {
	h, p := team(t)
	ctx := context.Background()
	h.setLevel(p.ID, phonegate.LevelPerComputer)
	h.enroll(h.as("dev@example.com"), testPhone2)
	devUser, _ := h.db.UserByEmail(ctx, "dev@example.com")
	ownerUser, _ := h.db.UserByEmail(ctx, "owner@example.com")
	if err := h.db.AddMember(ctx, ownProject(t, h, devUser.ID).ID, ownerUser.ID, phonegate.RoleAdmin, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b := h.as("owner@example.com")
	h.enroll(b, testPhone)
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	b.post("/projects/"+strconvFormat(p.ID)+"/settings/authenticate", url.Values{"password": {goodPassword}, "next": {members}})
	b.get(members)
	res, _ := b.post(members+"/reset", url.Values{"user": {strconvFormat(devUser.ID)}})
	res, body := b.get(expectRedirect(t, res, members+"/confirm?"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the confirmation: got %d, want 200 and a question", res.StatusCode)
	}
	for _, want := range []string{"Reset the two-factor authentication of dev@example.com?",
		"Reset two-factor authentication of dev@example.com", `name="confirm" value="1"`, "recovery code"} {
		if !strings.Contains(body, want) {
			t.Errorf("the confirmation lacks %q", want)
		}
	}
	if got, _ := h.db.User(ctx, devUser.ID); !got.PhoneVerified {
		t.Fatal("asking reset the member")
	}
	// The confirmation page asks again when the reset would be refused.
	if res, _ := b.get(members + "/confirm?do=reset&user=" + strconvFormat(ownerUser.ID)); res.StatusCode != http.StatusSeeOther {
		t.Errorf("confirming a reset of oneself: got %d, want 303 back to the members", res.StatusCode)
	}
	if res, _ := b.get(members + "/confirm?do=other&user=" + strconvFormat(devUser.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("confirming something else: got %d, want 404", res.StatusCode)
	}
	res, _ = b.post(members+"/reset", url.Values{"user": {strconvFormat(devUser.ID)}, "confirm": {"1"}})
	loc := expectRedirect(t, res, "/projects/"+strconvFormat(p.ID)+"/recovery")
	if got, _ := h.db.User(ctx, devUser.ID); got.PhoneVerified {
		t.Error("the confirmed reset left the phone verified")
	}
	_, body = b.get(loc)
	for _, want := range []string{`id="recovery-code"`, `data-copy="recovery-code"`, `src="/static/copy.js"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the recovery code page lacks %q", want)
		}
	}
}

// TestInvitedNamesProjectAndInviter checks the page shown after adding a
// member.
func TestInvitedNamesProjectAndInviter(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	_, p := h.addUser("eve@example.com", goodPassword, "EveCorp")
	page := addByPage(t, h.as("eve@example.com"), p.ID, "carol@example.com", "developer")
	if want := `Invited to <strong>EveCorp</strong> by you, <strong id="inviter">eve@example.com</strong>`; !strings.Contains(page, want) {
		t.Errorf("the page lacks %q:\n%s", want, page)
	}
	if strings.Contains(page, "/invite/") {
		t.Error("the page shows an invite link")
	}
}

// TestEmergencyCodeButtons checks the copy and download buttons of the
// emergency code, hidden until the script shows them.
func TestEmergencyCodeButtons(t *testing.T) {
	h, p := team(t)
	h.setLevel(p.ID, phonegate.LevelEveryLogin)
	b := h.as("owner@example.com")
	b.get("/phone")
	b.post("/phone", url.Values{"country": {"US"}, "phone": {testPhone}, "channel": {"sms"}})
	b.get("/verify")
	res, _ := b.post("/verify", url.Values{"code": {h.sender.lastCode(t)}})
	_, body := b.get(expectRedirect(t, res, "/phone/done"))
	for _, want := range []string{`id="emergency-code"`, `data-copy="emergency-code"`, `data-download="emergency-code"`,
		`data-filename="phonegate-emergency-code.txt"`, `src="/static/copy.js"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the emergency code page lacks %q", want)
		}
	}
	if res, js := b.get("/static/copy.js"); res.StatusCode != http.StatusOK || !strings.Contains(js, "navigator.clipboard") {
		t.Errorf("GET /static/copy.js: %d", res.StatusCode)
	}
}

// TestSessionsInWords checks that the account page names each session's
// browser and system in words, not by the raw User-Agent.
func TestSessionsInWords(t *testing.T) {
	h, _ := team(t)
	const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
	other := h.browser()
	other.get("/login")
	other.post("/login", url.Values{"email": {"owner@example.com"}, "password": {goodPassword}}, "User-Agent", firefox)
	b := h.as("owner@example.com") // Go's client: no browser to name
	_, body := b.get("/account")
	for _, want := range []string{"Firefox 125 on Windows", "An unknown browser <strong>(this one)</strong>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the account page lacks %q", want)
		}
	}
	for _, raw := range []string{"Gecko/20100101", "Go-http-client"} {
		if strings.Contains(body, raw) {
			t.Errorf("the account page shows the raw User-Agent %q", raw)
		}
	}
}
