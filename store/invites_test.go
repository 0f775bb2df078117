package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate/store"
)

const week = 7 * 24 * time.Hour

// TestInviteExistingAccount: adding an account that already exists, with
// or without a password, never makes an invite and never touches the
// invite that created the account. Otherwise anyone with a project could
// take over an account whose invite was still unused (add it, get a fresh
// link, choose its password) and reach every project it was invited to.
func TestInviteExistingAccount(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	alice, _ := db.CreateUser(ctx, "alice@example.com", "h", t0)
	eve, _ := db.CreateUser(ctx, "eve@example.com", "h", t0)
	alpha, _ := db.CreateProject(ctx, alice.ID, "Alpha", t0)
	evecorp, _ := db.CreateProject(ctx, eve.ID, "EveCorp", t0)

	bob, invited, err := db.InviteMember(ctx, "bob@example.com", alpha.ID, store.RoleDeveloper, alice.ID, []byte("alice's"), t0.Add(week), t0)
	if err != nil || !invited {
		t.Fatalf("Alice invites a new account: invited %v, err %v", invited, err)
	}

	tests := []struct {
		name  string
		email string
		token string
	}{
		{"an account whose invite is unused", "bob@example.com", "eve's for bob"},
		{"an account with a password", "alice@example.com", "eve's for alice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, invited, err := db.InviteMember(ctx, tt.email, evecorp.ID, store.RoleDeveloper, eve.ID, []byte(tt.token), t0.Add(week), t0)
			if err != nil {
				t.Fatal(err)
			}
			if invited {
				t.Errorf("InviteMember(%s) made an invite for an existing account", tt.email)
			}
			if _, err := db.Invite(ctx, []byte(tt.token), t0); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Eve's token works: err = %v, want ErrNotFound", err)
			}
			m, err := db.Member(ctx, evecorp.ID, u.ID)
			if err != nil || !m.Pending {
				t.Errorf("the new membership: %+v, %v; want pending", m, err)
			}
		})
	}

	in, err := db.Invite(ctx, []byte("alice's"), t0.Add(time.Hour))
	if err != nil || in.UserID != bob.ID || in.ProjectID != alpha.ID {
		t.Fatalf("Alice's invite after Eve's adds: %+v, %v", in, err)
	}
	if _, err := db.AcceptInvite(ctx, []byte("alice's"), "bob's hash", t0.Add(time.Hour)); err != nil {
		t.Fatalf("Alice's invite no longer works: %v", err)
	}
	ms, _ := db.Memberships(ctx, bob.ID)
	if len(ms) != 1 || ms[0].Project.ID != alpha.ID {
		t.Errorf("Bob's projects = %+v, want Alpha alone (EveCorp waits for his consent)", ms)
	}
}

// TestProvisionMember: the command line speaks for every account, so the
// memberships it makes count at once; it still makes an invite only for an
// account it creates.
func TestProvisionMember(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	other, _ := db.CreateProject(ctx, owner.ID, "Q", t0)
	if _, _, err := db.InviteMember(ctx, "new@example.com", other.ID, store.RoleDeveloper, owner.ID, []byte("first"), t0.Add(week), t0); err != nil {
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
			u, invited, err := db.ProvisionMember(ctx, tt.email, p.ID, store.RoleAdmin, []byte("cli "+tt.email), t0.Add(week), t0)
			if err != nil {
				t.Fatal(err)
			}
			if invited != tt.wantInvited {
				t.Errorf("invited = %v, want %v", invited, tt.wantInvited)
			}
			if m, err := db.Membership(ctx, p.ID, u.ID); err != nil || m.Role != store.RoleAdmin {
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
