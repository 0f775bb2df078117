package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testProjectsAndMembers(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	dev, _ := db.CreateUser(ctx, "dev@example.com", "h", t0)
	p, err := db.CreateProject(ctx, owner.ID, "Engine", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := addMember(ctx, db, p.ID, dev, phonegate.RoleDeveloper, t0); err != nil {
		t.Fatal(err)
	}
	if err := addMember(ctx, db, p.ID, dev, phonegate.RoleAdmin, t0); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("adding a member twice: err = %v, want ErrConflict", err)
	}
	m, err := db.Membership(ctx, p.ID, dev.ID)
	if err != nil || m.Role != phonegate.RoleDeveloper || m.Project.Name != "Engine" {
		t.Errorf("Membership = %+v, %v", m, err)
	}
	members, _ := db.Members(ctx, p.ID)
	var got []string
	for _, x := range members {
		got = append(got, x.User.Email+":"+x.Role)
	}
	if diff := cmp.Diff([]string{"owner@example.com:owner", "dev@example.com:developer"}, got); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}

	setRole := func(userID int64, role string) func() error {
		return func() error {
			_, err := db.SetRoleBy(ctx, p.ID, userID, owner.ID, role, t0)
			return err
		}
	}
	remove := func(userID int64) func() error {
		return func() error { return db.RemoveMemberBy(ctx, p.ID, userID, owner.ID, t0) }
	}
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"demote the last owner", setRole(owner.ID, phonegate.RoleAdmin), phonegate.ErrLastOwner},
		{"remove the last owner", remove(owner.ID), phonegate.ErrLastOwner},
		{"promote the developer", setRole(dev.ID, phonegate.RoleOwner), nil},
		{"now the first owner may step down", setRole(owner.ID, phonegate.RoleAdmin), nil},
		{"remove a stranger", remove(999), phonegate.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := db.Membership(ctx, p.ID, 999); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("membership of a stranger: err = %v, want ErrNotFound", err)
	}
}

// testProjectNamesPerOwner checks that one owner's projects cannot share a
// name, whatever the case or the way an accent is typed, while two owners
// may each have their own "Engine".
func testProjectNamesPerOwner(t *testing.T, open opener) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	db := open(t)
	ada, _ := db.CreateUser(ctx, "ada@example.com", "x", now)
	bob, _ := db.CreateUser(ctx, "bob@example.com", "x", now)
	if _, err := db.CreateProject(ctx, ada.ID, "Engine", now); err != nil {
		t.Fatal(err)
	}
	ecole, err := db.CreateProject(ctx, ada.ID, "École", now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		owner   int64
		project string
		want    error
	}{
		{"same name", ada.ID, "Engine", phonegate.ErrNameTaken},
		{"other case", ada.ID, "ENGINE", phonegate.ErrNameTaken},
		{"accented capital", ada.ID, "éCOLE", phonegate.ErrNameTaken},
		{"accent typed apart", ada.ID, "E\u0301cole", phonegate.ErrNameTaken},
		{"another name", ada.ID, "Engine 2", nil},
		{"another owner", bob.ID, "engine", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateProject(ctx, tt.owner, tt.project, now)
			if !errors.Is(err, tt.want) {
				t.Errorf("CreateProject(%q) = %v, want %v", tt.project, err, tt.want)
			}
		})
	}

	// Renaming: the project's own name in another case is fine; a name of
	// another project of any of its owners is not.
	if _, err := db.RenameProject(ctx, ecole.ID, ada.ID, "ÉCOLE", now); err != nil {
		t.Errorf("renaming École to ÉCOLE: %v", err)
	}
	if _, err := db.RenameProject(ctx, ecole.ID, ada.ID, "engine", now); !errors.Is(err, phonegate.ErrNameTaken) {
		t.Errorf("renaming École to engine: %v, want ErrNameTaken", err)
	}
	bobs, err := db.CreateProject(ctx, bob.ID, "Apollo", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := addMember(ctx, db, bobs.ID, ada, phonegate.RoleOwner, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RenameProject(ctx, bobs.ID, bob.ID, "Engine 2", now); !errors.Is(err, phonegate.ErrNameTaken) {
		t.Errorf("renaming Apollo, co-owned by ada, to ada's Engine 2: %v, want ErrNameTaken", err)
	}
	old, err := db.RenameProject(ctx, bobs.ID, bob.ID, "Zeus", now)
	if err != nil || old != "Apollo" {
		t.Fatalf("renaming Apollo to Zeus: %q, %v", old, err)
	}
	if m, _ := db.Membership(ctx, bobs.ID, bob.ID); m.Project.Name != "Zeus" {
		t.Errorf("name after rename = %q, want Zeus", m.Project.Name)
	}
	// Making ada an owner of bob's "engine 2" would give her two "Engine 2".
	bobEngine, err := db.CreateProject(ctx, bob.ID, "engine 2", now)
	if err == nil {
		err = addMember(ctx, db, bobEngine.ID, ada, phonegate.RoleDeveloper, now)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetRoleBy(ctx, bobEngine.ID, ada.ID, bob.ID, phonegate.RoleOwner, now); !errors.Is(err, phonegate.ErrNameTaken) {
		t.Errorf("making ada an owner of a second Engine 2: %v, want ErrNameTaken", err)
	}
	if _, err := db.SetRoleBy(ctx, bobEngine.ID, ada.ID, bob.ID, phonegate.RoleAdmin, now); err != nil {
		t.Errorf("making ada an admin of it: %v", err)
	}
	es, _ := db.AuditEvents(ctx, bobs.ID, 0, 1)
	if len(es) != 1 || es[0].Kind != "project.renamed" || es[0].Detail != "Apollo → Zeus" {
		t.Errorf("newest audit event = %+v, want project.renamed Apollo → Zeus", es)
	}
}
