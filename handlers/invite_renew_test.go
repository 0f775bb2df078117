package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestReinviteUnclaimed: an invited address that never chose its password
// is not a dead end once its link expires. Inviting it again, from the
// same project or another, mails a new one-time link; that link works
// once, and the old one is dead.
func TestReinviteUnclaimed(t *testing.T) {
	tests := []struct {
		name  string
		again string // who invites again, to their own project
	}{
		{"the same project", "alice@example.com"},
		{"another project", "eve@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTwoFactor(t, withMailbox())
			_, alpha := h.addUser("alice@example.com", goodPassword, "Alpha")
			_, evecorp := h.addUser("eve@example.com", goodPassword, "EveCorp")
			project := map[string]int64{"alice@example.com": alpha.ID, "eve@example.com": evecorp.ID}

			addByPage(t, h.as("alice@example.com"), alpha.ID, "bob@example.com", "developer")
			oldLink := h.inviteLinkIn("bob@example.com")
			if oldLink == "" {
				t.Fatal("Bob's mailbox holds no invite link")
			}
			h.clock.Add(8 * 24 * time.Hour)
			bob := h.browser()
			if res, _ := bob.get(oldLink); res.StatusCode != http.StatusNotFound {
				t.Fatalf("the expired link: got %d, want 404", res.StatusCode)
			}

			page := addByPage(t, h.as(tt.again), project[tt.again], "bob@example.com", "developer")
			if strings.Contains(page, "/invite/") {
				t.Fatalf("the inviter's page shows an invite link:\n%s", page)
			}
			ms := h.mailTo("bob@example.com")
			if len(ms) != 2 || ms[0].Kind != "email-proof" {
				t.Fatalf("Bob's mailbox: %+v; want a second email-proof", ms)
			}
			for _, want := range []string{"Your account here is not set up yet", "no longer works"} {
				if !strings.Contains(ms[0].Text, want) {
					t.Errorf("the new message lacks %q:\n%s", want, ms[0].Text)
				}
			}
			if strings.Contains(ms[0].Text, "operator") {
				t.Errorf("the new message, which carries the link, still sends Bob to the operator:\n%s", ms[0].Text)
			}
			newLink := h.inviteLinkIn("bob@example.com")
			if newLink == "" || newLink == oldLink {
				t.Fatalf("no new link: %q", newLink)
			}
			for _, who := range []string{"alice@example.com", "eve@example.com"} {
				if got := h.mailTo(who); len(got) != 0 {
					t.Errorf("%s got mail: %+v", who, got)
				}
			}

			if res, _ := bob.get(newLink); res.StatusCode != http.StatusOK {
				t.Fatalf("the new link: got %d, want 200", res.StatusCode)
			}
			res, _ := bob.post(newLink, url.Values{"password": {"my own violet tractor spoon"}})
			expectRedirect(t, res, "/")
			if res, _ := bob.get("/"); res.StatusCode != http.StatusOK {
				t.Errorf("Bob's home after the new link: got %d", res.StatusCode)
			}
			other := h.browser()
			for _, link := range []string{newLink, oldLink} {
				if res, _ := other.get(link); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s after use: got %d, want 404", link, res.StatusCode)
				}
			}
		})
	}
}

// TestReinviteClaimedGetsNoLink: an account with a password never gets a
// link, from the members page or the command line, and keeps its password.
func TestReinviteClaimedGetsNoLink(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	ctx := context.Background()
	ada, _ := h.addUser("ada@example.com", goodPassword, "Engine")
	_, evecorp := h.addUser("eve@example.com", goodPassword, "EveCorp")

	addByPage(t, h.as("eve@example.com"), evecorp.ID, "ada@example.com", "developer")
	if got := h.mailKinds("ada@example.com"); len(got) != 1 || got[0] != "invite" {
		t.Errorf("Ada's mailbox holds %v, want one invite note", got)
	}
	if l := h.inviteLinkIn("ada@example.com"); l != "" {
		t.Errorf("Ada was mailed an invite link: %s", l)
	}
	res, err := h.srv.AddUser(ctx, "ada@example.com", "Wheels", "developer", "")
	if err != nil || res.InviteURL != "" {
		t.Errorf("user add --invite for an account with a password: %+v, %v; want no link", res, err)
	}
	if u, _ := h.db.User(ctx, ada.ID); u.PasswordHash != ada.PasswordHash {
		t.Error("Ada's password hash changed")
	}
	if res := h.browser().login("ada@example.com", goodPassword); !loggedIn(res) {
		t.Error("Ada's own password no longer works")
	}
}

// TestAddUserFreshLink: `user add --invite` for an account that never
// chose its password prints a fresh link, for a new project or one it is
// already in; the older link stops working, the newest works once. Given
// a password instead, it leaves the account and its link alone.
func TestAddUserFreshLink(t *testing.T) {
	h := newTwoFactor(t)
	ctx := context.Background()
	h.addUser("ada@example.com", goodPassword, "Engine")
	first, err := h.srv.AddUser(ctx, "bob@example.com", "Engine", "developer", "")
	if err != nil || first.InviteURL == "" {
		t.Fatalf("user add --invite: %+v, %v", first, err)
	}
	path := func(link string) string { u, _ := url.Parse(link); return u.Path }

	res, err := h.srv.AddUser(ctx, "bob@example.com", "Gears", "developer", goodPassword)
	if err != nil || res.InviteURL != "" || !res.PasswordIgnored {
		t.Errorf("user add with a password for an unclaimed account: %+v, %v; want the password ignored, no link", res, err)
	}
	if res, _ := h.browser().get(path(first.InviteURL)); res.StatusCode != http.StatusOK {
		t.Errorf("the first link after a refused password: got %d, want 200", res.StatusCode)
	}

	links := []string{first.InviteURL}
	for _, project := range []string{"Engine", "Wheels"} {
		res, err := h.srv.AddUser(ctx, "bob@example.com", project, "developer", "")
		if err != nil || res.InviteURL == "" {
			t.Fatalf("user add --invite again (%s): %+v, %v; want a fresh link", project, res, err)
		}
		links = append(links, res.InviteURL)
	}
	b := h.browser()
	for _, l := range links[:len(links)-1] {
		if res, _ := b.get(path(l)); res.StatusCode != http.StatusNotFound {
			t.Errorf("an older link %s: got %d, want 404", l, res.StatusCode)
		}
	}
	newest := path(links[len(links)-1])
	if res, _ := b.get(newest); res.StatusCode != http.StatusOK {
		t.Fatalf("the newest link: got %d, want 200", res.StatusCode)
	}
	res2, _ := b.post(newest, url.Values{"password": {"my own violet tractor spoon"}})
	expectRedirect(t, res2, "/")
	if res, _ := h.browser().get(newest); res.StatusCode != http.StatusNotFound {
		t.Errorf("the newest link after use: got %d, want 404", res.StatusCode)
	}
	again, err := h.srv.AddUser(ctx, "bob@example.com", "Brakes", "developer", "")
	if err != nil || again.InviteURL != "" {
		t.Errorf("user add --invite once Bob chose a password: %+v, %v; want no link", again, err)
	}
}

// TestReinviteUnclaimedWithoutMail: where no mail can be sent, inviting an
// account that never chose its password is refused as for a new address,
// pointing to the command line: a fresh link could not reach it, and its
// old one must not die for nothing.
func TestReinviteUnclaimedWithoutMail(t *testing.T) {
	h := newTwoFactor(t)
	ctx := context.Background()
	_, p := h.addUser("ada@example.com", goodPassword, "Engine")
	first, err := h.srv.AddUser(ctx, "bob@example.com", "Wheels", "developer", "")
	if err != nil || first.InviteURL == "" {
		t.Fatalf("user add --invite: %+v, %v", first, err)
	}
	b := h.as("ada@example.com")
	members := "/projects/" + strconvFormat(p.ID) + "/members"
	b.get(members)
	res, at, body := b.follow(b.post(members, url.Values{"email": {"bob@example.com"}, "role": {"developer"}}))
	expectFormError(t, res, at, body, members, "phonegate user add --email ADDRESS --project PROJECT --invite")
	u, _ := url.Parse(first.InviteURL)
	if res, _ := h.browser().get(u.Path); res.StatusCode != http.StatusOK {
		t.Errorf("Bob's link after the refused invitation: got %d, want 200", res.StatusCode)
	}
}
