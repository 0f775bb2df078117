package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testAPIKeys: a project's account SID is made once; keys are found by
// their secret's MAC with the account SID, listed live only, revoked once
// and audited, and their last use is written forward only.
func testAPIKeys(t *testing.T, open opener) {
	s := open(t)
	ctx := context.Background()
	ada, p1, p2 := twoProjects(t, s)
	ac1, err := s.AccountSID(ctx, p1.ID, "AC01")
	if err != nil || ac1 != "AC01" {
		t.Fatalf("AccountSID first = %q, %v; want AC01", ac1, err)
	}
	if got, err := s.AccountSID(ctx, p1.ID, "AC99"); err != nil || got != "AC01" {
		t.Errorf("AccountSID again = %q, %v; want the first, AC01", got, err)
	}
	if _, err := s.AccountSID(ctx, p2.ID, "AC02"); err != nil {
		t.Fatal(err)
	}
	keys := []phonegate.APIKey{
		{SID: "SK01", ProjectID: p1.ID, Name: "web", SecretMAC: []byte("mac1"), CreatedAt: t0},
		{SID: "SK02", ProjectID: p1.ID, Name: "cron", SecretMAC: []byte("mac2"), CreatedAt: t0.Add(time.Minute)},
		{SID: "SK03", ProjectID: p2.ID, Name: "other", SecretMAC: []byte("mac3"), CreatedAt: t0},
	}
	for _, k := range keys {
		if err := s.AddAPIKey(ctx, k, ada.ID, k.CreatedAt); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.APIKeyBySecret(ctx, []byte("mac2"))
	if err != nil || got.SID != "SK02" || got.AccountSID != "AC01" || got.Name != "cron" || !got.CreatedAt.Equal(keys[1].CreatedAt) {
		t.Errorf("APIKeyBySecret(mac2) = %+v, %v; want SK02 of AC01", got, err)
	}
	if _, err := s.APIKeyBySecret(ctx, []byte("nope")); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("APIKeyBySecret(unknown) err = %v, want ErrNotFound", err)
	}
	list, err := s.APIKeys(ctx, p1.ID)
	if err != nil || len(list) != 2 || list[0].SID != "SK02" || list[1].SID != "SK01" {
		t.Errorf("APIKeys = %+v, %v; want SK02 then SK01", list, err)
	}
	if err := s.RevokeAPIKey(ctx, p2.ID, "SK01", ada.ID, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("revoking another project's key: err = %v, want ErrNotFound", err)
	}
	if err := s.RevokeAPIKey(ctx, p1.ID, "SK01", ada.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, p1.ID, "SK01", ada.ID, t0.Add(time.Hour)); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("revoking twice: err = %v, want ErrNotFound", err)
	}
	if k, err := s.APIKey(ctx, "SK01"); err != nil || !k.Revoked() {
		t.Errorf("APIKey(revoked) = %+v, %v; want it revoked", k, err)
	}
	if list, _ := s.APIKeys(ctx, p1.ID); len(list) != 1 || list[0].SID != "SK02" {
		t.Errorf("APIKeys after revoking = %+v, want SK02 only", list)
	}
	later := t0.Add(2 * time.Hour)
	if err := s.TouchAPIKey(ctx, "SK02", later); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchAPIKey(ctx, "SK02", t0); err != nil {
		t.Fatal(err)
	}
	if k, _ := s.APIKey(ctx, "SK02"); !k.LastUsedAt.Equal(later) {
		t.Errorf("LastUsedAt = %v, want %v (never moved back)", k.LastUsedAt, later)
	}
	kinds := countAuditKinds(t, s, p1.ID)
	if kinds["apikey.created"] != 2 || kinds["apikey.revoked"] != 1 {
		t.Errorf("audit kinds = %v, want 2 apikey.created and 1 apikey.revoked", kinds)
	}
}

// testAccountSIDConcurrent: however many first asks race, a project gets
// one account SID, and every ask answers it.
func testAccountSIDConcurrent(t *testing.T, open opener) {
	s := open(t)
	_, p1, _ := twoProjects(t, s)
	const n = 8
	got := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = s.AccountSID(context.Background(), p1.ID, "AC"+strconv.Itoa(i))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || got[i] != got[0] {
			t.Errorf("ask %d = %q, %v; want %q like the first", i, got[i], errs[i], got[0])
		}
	}
}
