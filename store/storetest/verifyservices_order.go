package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

// testVerifyServicesSameSecond: services made within the same second
// (the precision of date_created) still list oldest first, in the order
// they were made, whatever their SIDs, as an app that makes several at
// once and pages through them expects.
func testVerifyServicesSameSecond(t *testing.T, open opener) {
	s := open(t)
	ctx := context.Background()
	_, p, _ := twoProjects(t, s)
	made := []string{"VA09", "VA05", "VA07", "VA01"}
	for _, sid := range made {
		v := phonegate.VerifyService{SID: sid, ProjectID: p.ID, FriendlyName: "App " + sid, CodeLength: 6, CreatedAt: t0, UpdatedAt: t0}
		if err := s.AddVerifyService(ctx, v, "SK01", t0); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for offset := 0; offset < len(made); offset += 2 {
		page, err := s.VerifyServices(ctx, p.ID, offset, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page {
			got = append(got, v.SID)
		}
	}
	if got, want := strings.Join(got, " "), strings.Join(made, " "); got != want {
		t.Errorf("pages of 2 = %s, want %s", got, want)
	}
}
