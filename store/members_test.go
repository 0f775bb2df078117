package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate/store"
)

func TestMemberChangesAudited(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	owner, _ := db.CreateUser(ctx, "owner@example.com", "h", t0)
	dev, _ := db.CreateUser(ctx, "dev@example.com", "h", t0)
	p, _ := db.CreateProject(ctx, owner.ID, "P", t0)
	db.AddMember(ctx, p.ID, dev.ID, store.RoleDeveloper, t0)

	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"demote the last owner", func() error {
			_, err := db.SetRoleBy(ctx, p.ID, owner.ID, owner.ID, store.RoleAdmin, t0)
			return err
		}, store.ErrLastOwner},
		{"remove the last owner", func() error { return db.RemoveMemberBy(ctx, p.ID, owner.ID, owner.ID, t0) }, store.ErrLastOwner},
		{"promote the developer", func() error {
			_, err := db.SetRoleBy(ctx, p.ID, dev.ID, owner.ID, store.RoleAdmin, t0)
			return err
		}, nil},
		{"remove the admin", func() error { return db.RemoveMemberBy(ctx, p.ID, dev.ID, owner.ID, t0) }, nil},
		{"remove them again", func() error { return db.RemoveMemberBy(ctx, p.ID, dev.ID, owner.ID, t0) }, store.ErrNotFound},
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
