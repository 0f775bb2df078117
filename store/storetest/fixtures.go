package storetest

import (
	"context"
	"testing"

	"github.com/phonegate/phonegate"
)

// twoProjects makes the user ada@example.com and two projects she owns,
// "Apollo" and "Gemini", for the tests of what one project must not see
// of another's.
func twoProjects(t *testing.T, s phonegate.Store) (phonegate.User, phonegate.Project, phonegate.Project) {
	t.Helper()
	ctx := context.Background()
	ada, err := s.CreateUser(ctx, "ada@example.com", "", t0)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := s.CreateProject(ctx, ada.ID, "Apollo", t0)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s.CreateProject(ctx, ada.ID, "Gemini", t0)
	if err != nil {
		t.Fatal(err)
	}
	return ada, p1, p2
}

// countAuditKinds counts the kinds of the newest 50 audit events of projectID.
func countAuditKinds(t *testing.T, s phonegate.Store, projectID int64) map[string]int {
	t.Helper()
	es, err := s.AuditEvents(context.Background(), projectID, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range es {
		kinds[e.Kind]++
	}
	return kinds
}
