package phonegate_test

import (
	"context"
	"errors"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestSitesAsOperator: the command line's add and remove check the host as
// AddSite does, and are audited with no actor.
func TestSitesAsOperator(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	for _, tt := range []struct {
		name, host, code string
	}{
		{"not a hostname", "https://app.example.com/", phonegate.EInvalid},
		{"an address", "127.0.0.1", phonegate.EInvalid},
	} {
		if _, err := w.svc.AddSiteAsOperator(ctx, w.proj, tt.host); phonegate.ErrorCode(err) != tt.code || phonegate.ErrorMessage(err) == "" {
			t.Errorf("%s: err = %v (code %s), want code %s in words", tt.name, err, phonegate.ErrorCode(err), tt.code)
		}
	}
	if got, err := w.svc.AddSiteAsOperator(ctx, w.proj, "Wiki.Example.com"); err != nil || got != "wiki.example.com" {
		t.Fatalf("AddSiteAsOperator = %q, %v; want wiki.example.com", got, err)
	}
	if _, err := w.svc.AddSiteAsOperator(ctx, w.proj, "wiki.example.com"); phonegate.ErrorCode(err) != phonegate.EConflict {
		t.Errorf("the same host twice: err = %v, want EConflict", err)
	}
	if err := w.svc.RemoveSiteAsOperator(ctx, w.proj, "other.example.com"); !errors.Is(err, phonegate.ErrNotFound) || phonegate.ErrorMessage(err) == "" {
		t.Errorf("removing a host not protected: err = %v, want ErrNotFound in words", err)
	}
	if err := w.svc.RemoveSiteAsOperator(ctx, w.proj, "wiki.example.com"); err != nil {
		t.Fatal(err)
	}
	es, err := w.db.AuditEvents(ctx, w.proj.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Kind == "site.added" || e.Kind == "site.removed" {
			if e.ActorID != 0 {
				t.Errorf("%s by actor %d, want none", e.Kind, e.ActorID)
			}
			got = append(got, e.Kind+" "+e.Detail)
		}
	}
	if want := []string{"site.removed wiki.example.com", "site.added wiki.example.com"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("audited %q, want %q", got, want)
	}
}
