package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

func testTrustedComputers(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	ada, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
	bob, _ := db.CreateUser(ctx, "bob@example.com", "h", t0)
	tc := phonegate.TrustedComputer{TokenHash: []byte("ada-token"), UserID: ada.ID, UserAgent: "Firefox", CreatedAt: t0, LastMFAAt: t0}
	if err := db.AddTrustedComputer(ctx, tc); err != nil {
		t.Fatal(err)
	}

	t.Run("a later code refreshes the record", func(t *testing.T) {
		later := t0.Add(48 * time.Hour)
		if ok, err := db.RefreshTrustedComputer(ctx, tc.TokenHash, ada.ID, later); err != nil || !ok {
			t.Fatalf("RefreshTrustedComputer = %v, %v; want refreshed", ok, err)
		}
		got, err := db.TrustedComputer(ctx, tc.TokenHash, ada.ID)
		if err != nil || !got.LastMFAAt.Equal(later) || !got.CreatedAt.Equal(t0) {
			t.Errorf("TrustedComputer = %+v, %v", got, err)
		}
	})
	t.Run("another user's token is nothing to them", func(t *testing.T) {
		if _, err := db.TrustedComputer(ctx, tc.TokenHash, bob.ID); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("err = %v, want ErrNotFound", err)
		}
		if ok, err := db.RefreshTrustedComputer(ctx, tc.TokenHash, bob.ID, t0); err != nil || ok {
			t.Errorf("refreshing another's record = %v, %v; want false", ok, err)
		}
		stolen := tc
		stolen.UserID = bob.ID
		if err := db.AddTrustedComputer(ctx, stolen); !errors.Is(err, phonegate.ErrConflict) {
			t.Errorf("taking over the record: err = %v, want ErrConflict", err)
		}
		if err := db.ForgetComputer(ctx, bob.ID, tc.TokenHash, t0); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("forgetting another's computer: err = %v, want ErrNotFound", err)
		}
	})
	t.Run("forget", func(t *testing.T) {
		if err := db.ForgetComputer(ctx, ada.ID, tc.TokenHash, t0); err != nil {
			t.Fatal(err)
		}
		if tcs, _ := db.TrustedComputers(ctx, ada.ID); len(tcs) != 0 {
			t.Errorf("%d trusted computers left", len(tcs))
		}
	})
	t.Run("password change and reset forget all", func(t *testing.T) {
		for _, end := range []func() error{
			func() error { return db.ChangePassword(ctx, ada.ID, "h2", nil) },
			func() error { return db.ResetSecondFactor(ctx, ada.ID, 0, []byte("recovery mac"), t0) },
		} {
			db.AddTrustedComputer(ctx, tc)
			if err := end(); err != nil {
				t.Fatal(err)
			}
			if tcs, _ := db.TrustedComputers(ctx, ada.ID); len(tcs) != 0 {
				t.Errorf("%d trusted computers left", len(tcs))
			}
		}
	})
}
