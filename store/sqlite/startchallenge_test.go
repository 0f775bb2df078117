package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestStartChallenge: a challenge started with its first send replaces
// the session's open challenge only when that send is admitted; refused,
// it leaves no trace and the earlier challenge keeps its code.
func TestStartChallenge(t *testing.T) {
	ctx := context.Background()
	db := open(t)
	u := enrolledUser(t, db)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	first := challengeTo(t, db, u.ID, "s", phonegate.PurposeEnroll, "+14155550100", now)
	caps := phonegate.DailyCaps{SMS: 1}
	if _, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: first.ID, Channel: phonegate.ChannelSMS,
		To: first.Phone, ClientAddr: "203.0.113.7", Now: now, Caps: caps}); err != nil {
		t.Fatal(err)
	}

	next := first
	next.ID, next.Phone, next.CreatedAt = "ch-next", "+14155550200", now.Add(time.Minute)
	_, err := db.StartChallenge(ctx, next, phonegate.SendRequest{Channel: phonegate.ChannelSMS, To: next.Phone,
		ClientAddr: "203.0.113.7", Now: now.Add(time.Minute), Caps: caps})
	if le, ok := errors.AsType[*phonegate.SendLimitError](err); !ok || le.Reason != phonegate.LimitDaily {
		t.Fatalf("StartChallenge past the daily cap: err = %v, want the daily limit", err)
	}
	if _, err := db.Challenge(ctx, next.ID); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("the refused challenge is stored: err = %v", err)
	}
	got, err := db.SessionChallenge(ctx, first.SessionHash)
	if err != nil || got.ID != first.ID || got.State != phonegate.ChallengePending || len(got.CodeSealed) == 0 {
		t.Errorf("after the refusal the session's challenge is %+v, %v; want %s pending with its code", got, err, first.ID)
	}

	d, err := db.StartChallenge(ctx, next, phonegate.SendRequest{Channel: phonegate.ChannelCall, To: next.Phone,
		ClientAddr: "203.0.113.7", Now: now.Add(time.Minute), Caps: caps})
	if err != nil || d.ChallengeID != next.ID {
		t.Fatalf("StartChallenge by call: %+v, %v", d, err)
	}
	if got, _ := db.Challenge(ctx, first.ID); got.State != phonegate.ChallengeCancelled || len(got.CodeSealed) != 0 {
		t.Errorf("the earlier challenge after the new one started: state %s, sealed %d bytes; want cancelled and wiped",
			got.State, len(got.CodeSealed))
	}
	if got, _ := db.SessionChallenge(ctx, first.SessionHash); got.ID != next.ID || got.Sends != 1 {
		t.Errorf("the session's challenge is %s with %d sends, want %s with 1", got.ID, got.Sends, next.ID)
	}
}
