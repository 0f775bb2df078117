package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/phonegate/phonegate"
)

// testLookupUnstorableText: a lookup by text that no row can hold (bytes
// that are not UTF-8, a NUL) finds nothing, as any other unknown key,
// rather than failing: such text comes straight from a form or a header.
func testLookupUnstorableText(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	if _, err := db.CreateUser(ctx, "ada@example.com", "", t0); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"\x00\xc0\xaf", "0\x80", "ada@example.com\x00", "\xff\xfe"} {
		lookups := map[string]func() error{
			"UserByEmail":   func() error { _, err := db.UserByEmail(ctx, s); return err },
			"Setting":       func() error { _, err := db.Setting(ctx, s); return err },
			"ProjectByName": func() error { _, err := db.ProjectByName(ctx, s); return err },
			"SiteFor":       func() error { _, err := db.SiteFor(ctx, []string{s}); return err },
			"APIKey":        func() error { _, err := db.APIKey(ctx, s); return err },
			"VerifyService": func() error { _, err := db.VerifyService(ctx, 1, s); return err },
		}
		for name, lookup := range lookups {
			if err := lookup(); !errors.Is(err, phonegate.ErrNotFound) {
				t.Errorf("%s(%q): err = %v, want ErrNotFound", name, s, err)
			}
		}
	}
	if out, err := db.OptedOut(ctx, "\x00\xc0\xaf"); err != nil || out {
		t.Errorf("OptedOut of text no row can hold: %v, %v; want false, nil", out, err)
	}
}
