package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/phonegate/phonegate"
)

// testSites: a host belongs to at most one project, is audited when added
// and removed, and SiteFor answers the first of the candidates stored.
func testSites(t *testing.T, open opener) {
	s := open(t)
	ctx := context.Background()
	ada, p1, p2 := twoProjects(t, s)
	if err := s.AddSite(ctx, "app.example.com", p1.ID, ada.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSite(ctx, "*.example.com", p1.ID, ada.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSite(ctx, "app.example.com", p2.ID, ada.ID, t0); !errors.Is(err, phonegate.ErrSiteTaken) {
		t.Errorf("the same host for another project: err = %v, want ErrSiteTaken", err)
	}
	sites, err := s.Sites(ctx, p1.ID)
	if err != nil || len(sites) != 2 || sites[0].Host != "*.example.com" || sites[1].Host != "app.example.com" {
		t.Errorf("Sites = %+v, %v; want *.example.com and app.example.com", sites, err)
	}
	got, err := s.SiteFor(ctx, []string{"wiki.example.com", "*.example.com"})
	if err != nil || got.Host != "*.example.com" || got.ProjectID != p1.ID {
		t.Errorf("SiteFor(wiki, *.example.com) = %+v, %v; want the wildcard of %d", got, err, p1.ID)
	}
	if _, err := s.SiteFor(ctx, []string{"other.test"}); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("SiteFor(unknown) err = %v, want ErrNotFound", err)
	}
	if err := s.RemoveSite(ctx, "app.example.com", p2.ID, ada.ID, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("removing another project's site: err = %v, want ErrNotFound", err)
	}
	if err := s.RemoveSite(ctx, "app.example.com", p1.ID, ada.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SiteFor(ctx, []string{"app.example.com"}); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("a removed site is still found: %v", err)
	}
	kinds := countAuditKinds(t, s, p1.ID)
	if kinds["site.added"] != 2 || kinds["site.removed"] != 1 {
		t.Errorf("audit kinds = %v, want 2 site.added and 1 site.removed", kinds)
	}
}
