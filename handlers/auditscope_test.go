package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestAuditLogShowsOnlyWhatConcernsTheProject: uma belongs to alice's
// Apollo (a code at every login) and bob's Borealis (two-factor off). Her
// enrollment for Apollo shows its codes in Apollo's log only; that her
// phone was verified shows in both, as it changes the account both log in
// with.
func TestAuditLogShowsOnlyWhatConcernsTheProject(t *testing.T) {
	h := newTwoFactor(t)
	_, apollo := h.addUser("alice@example.com", goodPassword, "Apollo")
	_, borealis := h.addUser("bob@example.com", goodPassword, "Borealis")
	h.setLevel(apollo.ID, phonegate.LevelEveryLogin)
	uma, _ := h.addUser("uma@example.com", goodPassword, "Uma's own")
	for _, p := range []int64{apollo.ID, borealis.ID} {
		if err := h.db.AddMember(t.Context(), p, uma.ID, "developer", h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	b := h.browser()
	b.login("uma@example.com", goodPassword)
	h.enroll(b, testPhone)

	bob := h.browser()
	bob.login("bob@example.com", goodPassword)
	res, page := bob.get("/projects/" + strconvFormat(borealis.ID) + "/audit")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("Borealis's audit log: got %d", res.StatusCode)
	}
	if !strings.Contains(page, "Phone verified") {
		t.Error("Borealis's log does not say uma's phone was verified")
	}
	for _, what := range []string{"Code sent", "Code accepted"} {
		if strings.Contains(page, what) {
			t.Errorf("Borealis, with two-factor off, shows uma's %q", what)
		}
	}

	es, err := h.db.AuditEvents(t.Context(), apollo.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, e := range es {
		if e.UserID == uma.ID {
			kinds[e.Kind] = true
		}
	}
	for _, k := range []string{"code.sent", "phone.verified"} {
		if !kinds[k] {
			t.Errorf("Apollo's log lacks uma's %s: %v", k, kinds)
		}
	}
}
