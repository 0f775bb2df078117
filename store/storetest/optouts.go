package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

func testOptOut(t *testing.T, open opener) {
	db := open(t)
	ctx := context.Background()
	steps := []struct {
		name string
		set  *bool // nil: only read
		want bool
	}{
		{"never seen", nil, false},
		{"STOP", ptr(true), true},
		{"STOP again", ptr(true), true},
		{"START", ptr(false), false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.set != nil {
				if err := db.SetOptOut(ctx, phoneA, *s.set, t0); err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.OptedOut(ctx, phoneA)
			if err != nil || got != s.want {
				t.Errorf("OptedOut = %v, %v; want %v", got, err, s.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func testCancelPendingForPhone(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	a := f.challenge(phoneA, "")
	other := f.challenge("+14155550100", "")
	n, err := f.db.CancelPendingForPhone(ctx, phoneA, t0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("CancelPendingForPhone = %d, %v; want 1", n, err)
	}
	got, _ := f.db.Challenge(ctx, a.ID)
	if got.State != phonegate.ChallengeCancelled || got.CodeSealed != nil {
		t.Errorf("challenge after NO: state %s, sealed code %v; want cancelled and wiped", got.State, got.CodeSealed)
	}
	if got, _ := f.db.Challenge(ctx, other.ID); got.State != phonegate.ChallengePending {
		t.Errorf("another number's challenge: state %s, want pending", got.State)
	}
	events, _ := f.db.AuditEvents(ctx, f.project.ID, 0, 10)
	if len(events) == 0 || events[0].Kind != "code.denied" || events[0].UserID != f.user.ID {
		t.Errorf("newest audit event = %+v, want code.denied about the user", events)
	}
	if n, err := f.db.CancelPendingForPhone(ctx, phoneA, t0.Add(time.Minute)); n != 0 || err != nil {
		t.Errorf("second NO = %d, %v; want 0", n, err)
	}
}

func testApproveByReply(t *testing.T, open opener) {
	tests := []struct {
		name  string
		from  string
		body  string
		after time.Duration
		ok    bool
	}{
		{"exact code", phoneA, "K7Q4M", time.Minute, true},
		{"case and spaces ignored", phoneA, " k7 q4m ", time.Minute, true},
		{"punctuation ignored", phoneA, "k7-q4m.", time.Minute, true},
		{"another number", "+14155550100", "K7Q4M", time.Minute, false},
		{"number written differently", "14155552671", "K7Q4M", time.Minute, false},
		{"wrong code", phoneA, "K7Q4N", time.Minute, false},
		{"a prefix of the code", phoneA, "K7Q4", time.Minute, false},
		{"empty", phoneA, " ", time.Minute, false},
		{"expired", phoneA, "K7Q4M", 10 * time.Minute, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDeliveryFixture(t, open)
			ctx := context.Background()
			c := f.challenge(phoneA, "K7Q4M")
			got, err := f.db.ApproveByReply(ctx, tt.from, replyMAC(tt.from, tt.body), t0.Add(tt.after))
			if !tt.ok {
				if !errors.Is(err, phonegate.ErrNotFound) {
					t.Errorf("err = %v, want ErrNotFound", err)
				}
				if now, _ := f.db.Challenge(ctx, c.ID); now.State != phonegate.ChallengePending {
					t.Errorf("state = %s, want pending", now.State)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != c.ID || got.State != phonegate.ChallengeApproved {
				t.Errorf("approved %s in state %s, want %s approved", got.ID, got.State, c.ID)
			}
			// A second reply finds nothing pending.
			if _, err := f.db.ApproveByReply(ctx, tt.from, replyMAC(tt.from, tt.body), t0.Add(tt.after)); !errors.Is(err, phonegate.ErrNotFound) {
				t.Errorf("second reply: err = %v, want ErrNotFound", err)
			}
		})
	}
}
