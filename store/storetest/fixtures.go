package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
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

// exactlyOneWins runs op n times at once, as n requests racing for one
// single-use thing: a nil error is a win, refused the answer every other
// request must get. It reports whether exactly one won, and fails t
// (without stopping it) for any other outcome or error.
func exactlyOneWins(t *testing.T, n int, refused error, op func() error) bool {
	t.Helper()
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if err := op(); err == nil {
				wins.Add(1)
			} else if !errors.Is(err, refused) {
				t.Errorf("a racing request: %v, want nil or %v", err, refused)
			}
		})
	}
	wg.Wait()
	if got := wins.Load(); got != 1 {
		t.Errorf("%d of %d racing requests won, want exactly 1", got, n)
		return false
	}
	return true
}
