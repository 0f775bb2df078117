package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testVerifyServices: a service is seen only through its own project,
// pages in creation order, and is updated and deleted, audited.
func testVerifyServices(t *testing.T, open opener) {
	s := open(t)
	ctx := context.Background()
	_, p1, p2 := twoProjects(t, s)
	for i, sid := range []string{"VA01", "VA02", "VA03"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		v := phonegate.VerifyService{SID: sid, ProjectID: p1.ID, FriendlyName: "App " + sid, CodeLength: 6, CreatedAt: at, UpdatedAt: at}
		if err := s.AddVerifyService(ctx, v, "SK01", at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.VerifyService(ctx, p2.ID, "VA01"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("another project's service: err = %v, want ErrNotFound", err)
	}
	page, err := s.VerifyServices(ctx, p1.ID, 1, 2)
	if err != nil || len(page) != 2 || page[0].SID != "VA02" || page[1].SID != "VA03" {
		t.Errorf("VerifyServices(offset 1, limit 2) = %+v, %v; want VA02, VA03", page, err)
	}
	v, err := s.VerifyService(ctx, p1.ID, "VA02")
	if err != nil {
		t.Fatal(err)
	}
	v.FriendlyName, v.CodeLength, v.UpdatedAt = "Renamed", 8, t0.Add(time.Hour)
	if err := s.UpdateVerifyService(ctx, v, "SK01", v.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	got, err := s.VerifyService(ctx, p1.ID, "VA02")
	if err != nil || got != v {
		t.Errorf("after update = %+v, %v; want %+v", got, err, v)
	}
	other := v
	other.ProjectID = p2.ID
	if err := s.UpdateVerifyService(ctx, other, "SK01", v.UpdatedAt); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("updating through another project: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteVerifyService(ctx, p2.ID, "VA02", "SK01", t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("deleting through another project: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteVerifyService(ctx, p1.ID, "VA02", "SK01", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyService(ctx, p1.ID, "VA02"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("a deleted service is still found: %v", err)
	}
	kinds := countAuditKinds(t, s, p1.ID)
	want := map[string]int{"verify.service.created": 3, "verify.service.updated": 1, "verify.service.deleted": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("audit %s = %d, want %d (all: %v)", k, kinds[k], n, kinds)
		}
	}
}
