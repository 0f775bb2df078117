package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testProjectsNamed: every project of exactly that name, whoever owns it,
// oldest first; the case of the name counts; none is an empty list.
func testProjectsNamed(t *testing.T, open opener) {
	s := open(t)
	ctx := context.Background()
	ada, _ := s.CreateUser(ctx, "ada@example.com", "h", t0)
	bob, _ := s.CreateUser(ctx, "bob@example.com", "h", t0)
	cy, _ := s.CreateUser(ctx, "cy@example.com", "h", t0)
	var ids []int64
	for _, p := range []struct {
		owner int64
		name  string
	}{{ada.ID, "Engine"}, {bob.ID, "Engine"}, {ada.ID, "Wheels"}, {cy.ID, "engine"}} {
		got, err := s.CreateProject(ctx, p.owner, p.name, t0)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	for _, tt := range []struct {
		name string
		want []int64
	}{
		{"Engine", []int64{ids[0], ids[1]}},
		{"engine", []int64{ids[3]}},
		{"Wheels", []int64{ids[2]}},
		{"Nowhere", nil},
	} {
		ps, err := s.ProjectsNamed(ctx, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, p := range ps {
			if p.Name != tt.name {
				t.Errorf("ProjectsNamed(%q) holds %q", tt.name, p.Name)
			}
			got = append(got, p.ID)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ProjectsNamed(%q) IDs (-want +got):\n%s", tt.name, diff)
		}
	}
}
