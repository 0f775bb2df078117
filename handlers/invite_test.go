package handlers_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// invitedWords is the confirmation shown after adding a member, whether
// the email had an account or not.
const invitedWords = "was invited by email. A new account gets a one-time link to choose its password, valid for 7 days;"

// addByPage adds email to the project through its members page, as the
// browser's user, and returns the page shown after the redirect.
func addByPage(t *testing.T, b *browser, projectID int64, email, role string) string {
	t.Helper()
	members := "/projects/" + strconvFormat(projectID) + "/members"
	b.get(members)
	res, body := b.post(members, url.Values{"email": {email}, "role": {role}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("adding %s: got %d\n%s", email, res.StatusCode, body)
	}
	loc := expectRedirect(t, res, "/projects/"+strconvFormat(projectID)+"/invited")
	_, body = b.get(loc)
	return body
}

// inviteLinkIn returns the newest invite link in addr's mailbox, or "".
func (h *harness) inviteLinkIn(addr string) string {
	h.t.Helper()
	for _, m := range h.mailTo(addr) {
		if l := linkIn(h.t, m, "/invite/"); l != "" {
			return l
		}
	}
	return ""
}

// TestInviteTakeover is the attack of the security review: Alice invites
// Bob, who has no account yet; Eve adds Bob to her own project before he
// uses the link. Neither inviter sees a link; each reaches Bob's mailbox
// alone. Eve's add sends him a fresh one (his account has no password
// yet), which replaces Alice's: Eve learns nothing she could use, and Bob,
// through the link in his own mailbox, gets Alpha, with EveCorp waiting
// for his answer.
func TestInviteTakeover(t *testing.T) {
	h := newTwoFactor(t, withMailbox())
	_, alpha := h.addUser("alice@example.com", goodPassword, "Alpha")
	_, evecorp := h.addUser("eve@example.com", goodPassword, "EveCorp")
	alice, eve := h.as("alice@example.com"), h.as("eve@example.com")

	if page := addByPage(t, alice, alpha.ID, "bob@example.com", "developer"); strings.Contains(page, "/invite/") {
		t.Fatalf("Alice's page shows an invite link:\n%s", page)
	}
	alicesLink := h.inviteLinkIn("bob@example.com")
	if alicesLink == "" {
		t.Fatal("Bob's mailbox holds no invite link")
	}
	page := addByPage(t, eve, evecorp.ID, "bob@example.com", "developer")
	if strings.Contains(page, "/invite/") {
		t.Fatalf("Eve's page shows an invite link:\n%s", page)
	}
	if !strings.Contains(page, invitedWords) {
		t.Errorf("Eve's confirmation lacks %q:\n%s", invitedWords, page)
	}
	if got, want := h.mailKinds("bob@example.com"), []string{"email-proof", "email-proof"}; !slices.Equal(got, want) {
		t.Errorf("Bob's mailbox holds %v, want %v", got, want)
	}
	for _, who := range []string{"alice@example.com", "eve@example.com"} {
		if got := h.mailTo(who); len(got) != 0 {
			t.Errorf("%s got mail: %+v", who, got)
		}
	}

	bob := h.browser()
	if res, _ := bob.get(alicesLink); res.StatusCode != http.StatusNotFound {
		t.Errorf("Alice's link after Eve's add: got %d, want 404 (one link at a time)", res.StatusCode)
	}
	evesLink := h.inviteLinkIn("bob@example.com")
	if evesLink == "" || evesLink == alicesLink {
		t.Fatalf("Eve's add sent Bob no fresh link (%q)", evesLink)
	}
	if res, _ := bob.get(evesLink); res.StatusCode != http.StatusOK {
		t.Fatalf("Eve's link: got %d, want 200", res.StatusCode)
	}
	res, _ := bob.post(evesLink, url.Values{"password": {"my own violet tractor spoon"}})
	expectRedirect(t, res, "/")
	res, home := bob.get("/")
	if res.StatusCode != http.StatusOK || !strings.Contains(home, "Alpha") {
		t.Fatalf("Bob's home: got %d\n%s", res.StatusCode, home)
	}
	if res, _ := bob.get("/projects/" + strconvFormat(evecorp.ID)); res.StatusCode != http.StatusNotFound {
		t.Errorf("Bob opens EveCorp before accepting: got %d, want 404", res.StatusCode)
	}
	if !strings.Contains(home, "EveCorp") || !strings.Contains(home, "/projects/"+strconvFormat(evecorp.ID)+"/accept") {
		t.Errorf("Bob's home does not offer EveCorp's invitation:\n%s", home)
	}
}

// TestAddMemberSaysTheSameEitherWay: the page after adding a member is the
// same, but for the email, whether the email had an account or not; what
// differs is the message that goes to that address.
func TestAddMemberSaysTheSameEitherWay(t *testing.T) {
	tests := []struct {
		name     string
		email    string
		wantKind string
	}{
		{"a new account", "carol@example.com", "email-proof"},
		{"an account with a password", "alice@example.com", "invite"},
		{"an account whose invite is unused", "bob@example.com", "email-proof"},
	}
	h := newTwoFactor(t, withMailbox())
	_, alpha := h.addUser("alice@example.com", goodPassword, "Alpha")
	_, evecorp := h.addUser("eve@example.com", goodPassword, "EveCorp")
	addByPage(t, h.as("alice@example.com"), alpha.ID, "bob@example.com", "developer")
	eve := h.as("eve@example.com")
	var first string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := addByPage(t, eve, evecorp.ID, tt.email, "developer")
			if !strings.Contains(page, tt.email+" "+invitedWords) {
				t.Errorf("the page lacks %q:\n%s", tt.email+" "+invitedWords, page)
			}
			page = strings.ReplaceAll(page, tt.email, "EMAIL")
			if first == "" {
				first = page
			} else if page != first {
				t.Errorf("the page differs from the first one's:\n%s\n---\n%s", page, first)
			}
			ms := h.mailTo(tt.email)
			if len(ms) == 0 || ms[0].Kind != tt.wantKind || !strings.Contains(ms[0].Text, "EveCorp") {
				t.Fatalf("the newest message to %s: %+v; want %s about EveCorp", tt.email, ms, tt.wantKind)
			}
			if got := linkIn(t, ms[0], "/invite/") != ""; got != (tt.wantKind == "email-proof") {
				t.Errorf("the message holds an invite link: %v", got)
			}
			if got, want := strings.Contains(ms[0].Text, "not set up yet"), tt.email == "bob@example.com"; got != want {
				t.Errorf("the message says the account is not set up: %v, want %v", got, want)
			}
		})
	}
	_, page := eve.get("/projects/" + strconvFormat(evecorp.ID) + "/members")
	if n := strings.Count(page, "Invitation pending"); n != 3 {
		t.Errorf("the member list shows %d pending invitations, want 3:\n%s", n, page)
	}
}

// TestAddUserCommandLine: the command line speaks for the accounts it
// adds, never resets an existing one, and says when it left a password
// unchanged.
func TestAddUserCommandLine(t *testing.T) {
	h := newTwoFactor(t)
	ctx := context.Background()
	h.addUser("ada@example.com", goodPassword, "Engine")
	if _, err := h.srv.AddUser(ctx, "bob@example.com", "Engine", "developer", ""); err != nil {
		t.Fatal(err)
	}
	bob, _ := h.db.UserByEmail(ctx, "bob@example.com")
	const other = "a different good password"

	tests := []struct {
		name        string
		email       string
		project     string
		password    string
		wantRole    string
		wantLink    bool
		wantIgnored bool
	}{
		{"a new account with a password", "carl@example.com", "Engine", goodPassword, "developer", false, false},
		{"a new account without one", "dora@example.com", "Engine", "", "developer", true, false},
		{"an account with a password, given another", "ada@example.com", "Wheels", other, "owner", false, true},
		{"an account with a password, given none", "ada@example.com", "Brakes", "", "owner", false, false},
		{"an account whose invite is unused, given a password", "bob@example.com", "Wheels", other, "developer", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.srv.AddUser(ctx, tt.email, tt.project, "developer", tt.password)
			if err != nil {
				t.Fatal(err)
			}
			if res.Role != tt.wantRole || (res.InviteURL != "") != tt.wantLink || res.PasswordIgnored != tt.wantIgnored {
				t.Errorf("AddUser = %+v; want role %s, link %v, password ignored %v", res, tt.wantRole, tt.wantLink, tt.wantIgnored)
			}
			u, _ := h.db.UserByEmail(ctx, tt.email)
			p, _ := h.db.ProjectByName(ctx, tt.project)
			if _, err := h.db.Membership(ctx, p.ID, u.ID); err != nil {
				t.Errorf("the membership does not count at once: %v", err)
			}
		})
	}
	if res := h.browser().login("ada@example.com", goodPassword); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/" {
		t.Errorf("ada's own password no longer works: got %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if u, _ := h.db.User(ctx, bob.ID); u.PasswordHash != "" {
		t.Error("the command line set the password of an account whose invite is unused")
	}
	if _, err := h.srv.AddUser(ctx, "ada@example.com", "Engine", "developer", ""); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("adding a member twice: err = %v, want ErrConflict", err)
	}
}
