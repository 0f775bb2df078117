package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testMemberChangesAudited(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	dev, _ := db.CreateUser(ctx, "dev@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	addMember(ctx, db, p.ID, dev, phonegate.RoleDeveloper, t0)

	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"demote the last owner", func() error {
			_, err := db.SetRoleBy(ctx, p.ID, owner.ID, owner.ID, phonegate.RoleAdmin, t0)
			return err
		}, phonegate.ErrLastOwner},
		{"remove the last owner", func() error { return db.RemoveMemberBy(ctx, p.ID, owner.ID, owner.ID, t0) }, phonegate.ErrLastOwner},
		{"promote the developer", func() error {
			_, err := db.SetRoleBy(ctx, p.ID, dev.ID, owner.ID, phonegate.RoleAdmin, t0)
			return err
		}, nil},
		{"remove the admin", func() error { return db.RemoveMemberBy(ctx, p.ID, dev.ID, owner.ID, t0) }, nil},
		{"remove them again", func() error { return db.RemoveMemberBy(ctx, p.ID, dev.ID, owner.ID, t0) }, phonegate.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	es, _ := db.AuditEvents(ctx, p.ID, 0, 2)
	var got []string
	for _, e := range es {
		got = append(got, e.Kind+": "+e.Detail+" by "+e.ActorEmail)
	}
	want := []string{
		"member.removed: dev@example.com (admin) removed by owner@example.com",
		"member.role: role developer → admin by owner@example.com",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("audit (-want +got):\n%s", diff)
	}
}

// consentFixture makes Alice, owner of Alpha, and Eve, owner of EveCorp,
// and has Eve add Alice to EveCorp: a membership that waits for Alice.
func consentFixture(t *testing.T, open opener) (db phonegate.Store, alice, eve phonegate.User, alpha, evecorp phonegate.Project) {
	t.Helper()
	db = open(t)
	ctx := context.Background()
	alice, _ = db.CreateUser(ctx, "alice@example.com", "h", t0)
	eve, _ = db.CreateUser(ctx, "eve@example.com", "h", t0)
	alpha, _ = db.CreateProject(ctx, alice.ID, "Alpha", t0)
	evecorp, _ = db.CreateProject(ctx, eve.ID, "EveCorp", t0)
	if _, invited, err := invite(ctx, db, alice.Email, evecorp.ID, phonegate.RoleDeveloper, eve.ID, []byte("t"), t0.Add(week), t0); err != nil || invited {
		t.Fatalf("Eve adds Alice: invited %v, err %v", invited, err)
	}
	return db, alice, eve, alpha, evecorp
}

// projectIDs lists the projects of ms.
func projectIDs(ms []phonegate.Membership) []int64 {
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.Project.ID)
	}
	return ids
}

// auditKinds lists a project's events as "kind user", oldest first.
func auditKinds(t *testing.T, db phonegate.Store, projectID int64) []string {
	t.Helper()
	es, err := db.AuditEvents(context.Background(), projectID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(es) - 1; i >= 0; i-- {
		out = append(out, es[i].Kind+" "+es[i].UserEmail)
	}
	return out
}

// testPendingMembershipGrantsNothing: until Alice accepts, EveCorp is not
// one of her projects, receives none of her events and cannot reset her
// second factor; once she accepts, it is and it can.
func testPendingMembershipGrantsNothing(t *testing.T, open opener) {
	db, alice, eve, alpha, evecorp := consentFixture(t, open)
	ctx := context.Background()
	if err := db.CreateSession(ctx, phonegate.Session{TokenHash: []byte("alice's session"), UserID: alice.ID, CSRFToken: "c",
		CreatedAt: t0, LastSeenAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetEmergencyHash(ctx, alice.ID, "emergency hash", t0); err != nil {
		t.Fatal(err)
	}

	t.Run("pending", func(t *testing.T) {
		if _, err := db.Membership(ctx, evecorp.ID, alice.ID); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("Membership: err = %v, want ErrNotFound", err)
		}
		ms, _ := db.Memberships(ctx, alice.ID)
		if diff := cmp.Diff([]int64{alpha.ID}, projectIDs(ms)); diff != "" {
			t.Errorf("Memberships (-want +got):\n%s", diff)
		}
		inv, err := db.Invitations(ctx, alice.ID)
		if err != nil || len(inv) != 1 || inv[0].Project.ID != evecorp.ID || inv[0].InvitedBy != "eve@example.com" ||
			inv[0].Role != phonegate.RoleDeveloper {
			t.Errorf("Invitations = %+v, %v", inv, err)
		}
		m, err := db.Member(ctx, evecorp.ID, alice.ID)
		if err != nil || !m.Pending {
			t.Errorf("Member = %+v, %v; want pending", m, err)
		}
		err = db.ResetMemberSecondFactor(ctx, evecorp.ID, alice.ID, eve.ID, []byte("recovery mac"), t0)
		if !errors.Is(err, phonegate.ErrPending) {
			t.Errorf("Eve resets Alice: err = %v, want ErrPending", err)
		}
		u, _ := db.User(ctx, alice.ID)
		ss, _ := db.UserSessions(ctx, alice.ID)
		if u.EmergencyHash != "emergency hash" || len(ss) != 1 {
			t.Errorf("after the refused reset: emergency hash %q, %d sessions; want both kept", u.EmergencyHash, len(ss))
		}
		if diff := cmp.Diff([]string{"project.created eve@example.com", "member.added alice@example.com"},
			auditKinds(t, db, evecorp.ID)); diff != "" {
			t.Errorf("EveCorp's audit (-want +got):\n%s", diff)
		}
	})

	t.Run("accepted", func(t *testing.T) {
		if err := db.AcceptMembership(ctx, evecorp.ID, alice.ID, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.AcceptMembership(ctx, evecorp.ID, alice.ID, t0); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("accepting twice: err = %v, want ErrNotFound", err)
		}
		if m, err := db.Membership(ctx, evecorp.ID, alice.ID); err != nil || m.Role != phonegate.RoleDeveloper {
			t.Errorf("Membership = %+v, %v", m, err)
		}
		if inv, _ := db.Invitations(ctx, alice.ID); len(inv) != 0 {
			t.Errorf("Invitations after accepting = %+v", inv)
		}
		// Alice owns Alpha too, which Eve does not administer: Eve may not
		// reset what Alpha relies on, until she is an admin of Alpha.
		err := db.ResetMemberSecondFactor(ctx, evecorp.ID, alice.ID, eve.ID, []byte("recovery mac"), t0)
		if !errors.Is(err, phonegate.ErrOutsideAuthority) {
			t.Errorf("reset after consent, with Alpha outside Eve's authority: err = %v, want ErrOutsideAuthority", err)
		}
		if err := addMember(ctx, db, alpha.ID, eve, phonegate.RoleAdmin, t0); err != nil {
			t.Fatal(err)
		}
		if err := db.ResetMemberSecondFactor(ctx, evecorp.ID, alice.ID, eve.ID, []byte("recovery mac"), t0); err != nil {
			t.Errorf("reset after consent: %v", err)
		}
		want := []string{"project.created eve@example.com", "member.added alice@example.com",
			"member.accepted alice@example.com", "2fa.reset alice@example.com", "recovery.issued alice@example.com"}
		if diff := cmp.Diff(want, auditKinds(t, db, evecorp.ID)); diff != "" {
			t.Errorf("EveCorp's audit (-want +got):\n%s", diff)
		}
	})
}

func testDeclineMembership(t *testing.T, open opener) {
	db, alice, _, alpha, evecorp := consentFixture(t, open)
	ctx := context.Background()
	tests := []struct {
		name      string
		projectID int64
		want      error
	}{
		{"a pending membership", evecorp.ID, nil},
		{"the same again", evecorp.ID, phonegate.ErrNotFound},
		{"an accepted membership", alpha.ID, phonegate.ErrNotFound},
		{"no membership", 999, phonegate.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := db.DeclineMembership(ctx, tt.projectID, alice.ID, t0); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := db.Member(ctx, evecorp.ID, alice.ID); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the declined membership is still there: %v", err)
	}
	if _, err := db.Membership(ctx, alpha.ID, alice.ID); err != nil {
		t.Errorf("Alpha was declined along: %v", err)
	}
	if diff := cmp.Diff([]string{"project.created eve@example.com", "member.added alice@example.com",
		"member.declined alice@example.com"}, auditKinds(t, db, evecorp.ID)); diff != "" {
		t.Errorf("EveCorp's audit (-want +got):\n%s", diff)
	}
}

// testPendingOwnersDoNotCount: an owner who has not accepted cannot keep a
// project owned, but may be removed (the invitation cancelled) or demoted.
func testPendingOwnersDoNotCount(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	dev, _ := db.CreateUser(ctx, "dev@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	inviteDev := func() error {
		_, _, err := invite(ctx, db, dev.Email, p.ID, phonegate.RoleOwner, owner.ID, nil, t0.Add(week), t0)
		return err
	}
	setRole := func(userID int64, role string) func() error {
		return func() error {
			_, err := db.SetRoleBy(ctx, p.ID, userID, owner.ID, role, t0)
			return err
		}
	}

	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"invite dev as an owner", inviteDev, nil},
		{"the owner steps down", setRole(owner.ID, phonegate.RoleAdmin), phonegate.ErrLastOwner},
		{"the owner leaves", func() error { return db.RemoveMemberBy(ctx, p.ID, owner.ID, owner.ID, t0) }, phonegate.ErrLastOwner},
		{"the pending owner is made an admin", setRole(dev.ID, phonegate.RoleAdmin), nil},
		{"and an owner again", setRole(dev.ID, phonegate.RoleOwner), nil},
		{"the invitation is cancelled", func() error { return db.RemoveMemberBy(ctx, p.ID, dev.ID, owner.ID, t0) }, nil},
		{"invite dev again", inviteDev, nil},
		{"dev accepts", func() error { return db.AcceptMembership(ctx, p.ID, dev.ID, t0) }, nil},
		{"now the first owner may leave", func() error { return db.RemoveMemberBy(ctx, p.ID, owner.ID, owner.ID, t0) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := db.User(ctx, dev.ID); err != nil {
		t.Errorf("cancelling dev's invitation deleted the account: %v", err)
	}
}
