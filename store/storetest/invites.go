package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testInvites(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	u, invited, err := invite(ctx, db, "new@example.com", p.ID, phonegate.RoleDeveloper, owner.ID, []byte("tok"), t0.Add(7*24*time.Hour), t0)
	if err != nil || !invited || u.PasswordHash != "" {
		t.Fatalf("invite = %+v, %v, %v", u, invited, err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("tok"), "hash", t0.Add(8*24*time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("expired invite: err = %v, want ErrNotFound", err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("tok"), "hash", t0.Add(time.Hour)); err != nil {
		t.Fatalf("accept: %v", err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("tok"), "hash2", t0.Add(2*time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("second use: err = %v, want ErrNotFound", err)
	}
	got, _ := db.User(ctx, u.ID)
	if got.PasswordHash != "hash" {
		t.Errorf("password after accepting = %q", got.PasswordHash)
	}
	events, _ := db.AuditEvents(ctx, p.ID, 0, 10)
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if diff := cmp.Diff([]string{"member.joined", "member.added", "project.created"}, kinds); diff != "" {
		t.Errorf("audit kinds, newest first (-want +got):\n%s", diff)
	}
}

// testInviteExistingAccount: adding an account that has a password never
// makes an invite; otherwise anyone with a project could take it over.
// An account that never chose its password gets a fresh invite, which
// goes only to its own mailbox, and its older unused one stops working:
// one link at a time.
func testInviteExistingAccount(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	alice, _ := db.CreateUser(ctx, "alice@example.com", "h", t0)
	eve, _ := db.CreateUser(ctx, "eve@example.com", "h", t0)
	alpha, _ := db.CreateProject(ctx, alice.ID, "Alpha", t0)
	evecorp, _ := db.CreateProject(ctx, eve.ID, "EveCorp", t0)

	bob, invited, err := invite(ctx, db, "bob@example.com", alpha.ID, phonegate.RoleDeveloper, alice.ID, []byte("alice's"), t0.Add(week), t0)
	if err != nil || !invited {
		t.Fatalf("Alice invites a new account: invited %v, err %v", invited, err)
	}

	tests := []struct {
		name     string
		email    string
		token    string
		wantLink bool
	}{
		{"an account whose invite is unused", "bob@example.com", "eve's for bob", true},
		{"an account with a password", "alice@example.com", "eve's for alice", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, invited, err := invite(ctx, db, tt.email, evecorp.ID, phonegate.RoleDeveloper, eve.ID, []byte(tt.token), t0.Add(week), t0)
			if err != nil {
				t.Fatal(err)
			}
			if invited != tt.wantLink {
				t.Errorf("invite(%s): invited = %v, want %v", tt.email, invited, tt.wantLink)
			}
			_, err = db.Invite(ctx, []byte(tt.token), t0)
			if tt.wantLink && err != nil {
				t.Errorf("the fresh invite does not work: %v", err)
			}
			if !tt.wantLink && !errors.Is(err, phonegate.ErrNotFound) {
				t.Errorf("Eve's token works: err = %v, want ErrNotFound", err)
			}
			m, err := db.Member(ctx, evecorp.ID, u.ID)
			if err != nil || !m.Pending {
				t.Errorf("the new membership: %+v, %v; want pending", m, err)
			}
		})
	}

	if _, err := db.Invite(ctx, []byte("alice's"), t0.Add(time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("Alice's older invite still works after the fresh one: err = %v, want ErrNotFound", err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("eve's for bob"), "bob's hash", t0.Add(time.Hour)); err != nil {
		t.Fatalf("the fresh invite: %v", err)
	}
	ms, _ := db.Memberships(ctx, bob.ID)
	if len(ms) != 1 || ms[0].Project.ID != alpha.ID {
		t.Errorf("Bob's projects = %+v, want Alpha alone (EveCorp waits for his consent)", ms)
	}
	if u, _ := db.User(ctx, alice.ID); u.PasswordHash != "h" {
		t.Errorf("Alice's password hash changed to %q", u.PasswordHash)
	}
}

// testProvisionMember: the command line speaks for every account, so the
// memberships it makes count at once; without renew (a password was given)
// it makes an invite only for an account it creates.
func testProvisionMember(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	other, _ := db.CreateProject(ctx, owner.ID, "Q", t0)
	if _, _, err := invite(ctx, db, "new@example.com", other.ID, phonegate.RoleDeveloper, owner.ID, []byte("first"), t0.Add(week), t0); err != nil {
		t.Fatal(err)
	}
	dev, _ := db.CreateUser(ctx, "dev@example.com", "h", t0)

	tests := []struct {
		name        string
		email       string
		wantInvited bool
	}{
		{"a new account", "fresh@example.com", true},
		{"an account with a password", "dev@example.com", false},
		{"an account whose invite is unused", "new@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := db.ProvisionMember(ctx, tt.email, p.ID, phonegate.RoleAdmin, []byte("cli "+tt.email), false, t0.Add(week), t0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Link != tt.wantInvited {
				t.Errorf("invited = %v, want %v", res.Link, tt.wantInvited)
			}
			u := res.User
			if m, err := db.Membership(ctx, p.ID, u.ID); err != nil || m.Role != phonegate.RoleAdmin {
				t.Errorf("membership = %+v, %v; want an accepted admin", m, err)
			}
		})
	}
	if _, err := db.Invite(ctx, []byte("first"), t0); err != nil {
		t.Errorf("the first invite of new@ was replaced: %v", err)
	}
	if u, _ := db.User(ctx, dev.ID); u.PasswordHash != "h" {
		t.Errorf("dev's password hash changed to %q", u.PasswordHash)
	}
}

// testRemoveUnclaimedAccount: removing the last accepted membership of an
// account that never chose a password deletes the account with its invite
// link, so that the link dies and adding the email again makes a new link.
func testRemoveUnclaimedAccount(t *testing.T, open opener) {
	db, alice, eve, alpha, evecorp := consentFixture(t, open)
	ctx := context.Background()
	bob, invited, err := invite(ctx, db, "bob@example.com", alpha.ID, phonegate.RoleDeveloper, alice.ID, []byte("bob's"), t0.Add(week), t0)
	if err != nil || !invited {
		t.Fatalf("invite bob: %v, %v", invited, err)
	}
	if _, _, err := invite(ctx, db, "bob@example.com", evecorp.ID, phonegate.RoleDeveloper, eve.ID, []byte("eve's"), t0.Add(week), t0); err != nil {
		t.Fatal(err)
	}

	// Eve's invitation sent Bob a fresh link, which replaced Alpha's. Her
	// pending membership does not keep Bob's account: only Alpha ever
	// vouched for it. Her removal leaves the account and its link, which
	// Alpha still vouches for.
	if err := db.RemoveMemberBy(ctx, evecorp.ID, bob.ID, eve.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Invite(ctx, []byte("eve's"), t0); err != nil {
		t.Fatalf("Eve's removal killed the account's link: %v", err)
	}
	if _, _, err := invite(ctx, db, "bob@example.com", evecorp.ID, phonegate.RoleDeveloper, eve.ID, []byte("eve's again"), t0.Add(week), t0); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveMemberBy(ctx, alpha.ID, bob.ID, alice.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.User(ctx, bob.ID); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the unclaimed account survives: %v", err)
	}
	for _, token := range []string{"bob's", "eve's", "eve's again"} {
		if _, err := db.Invite(ctx, []byte(token), t0); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("the removed member's invite link %q still works: %v", token, err)
		}
	}
	if _, invited, err := invite(ctx, db, "bob@example.com", alpha.ID, phonegate.RoleDeveloper, alice.ID, []byte("new"), t0.Add(week), t0); err != nil || !invited {
		t.Errorf("adding bob again: invited %v, err %v; want a new invite", invited, err)
	}
}
