package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func TestOptOut(t *testing.T) {
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

func TestCancelPendingForPhone(t *testing.T) {
	f := newDeliveryFixture(t)
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

func TestApproveByReply(t *testing.T) {
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
			f := newDeliveryFixture(t)
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

func TestDevPhone(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	in := []phonegate.DevPhoneEntry{
		{Kind: "sms", SID: "SMdev1", To: phoneA, Body: "sealed body", Callback: "http://x/twilio/sms/status?d=d1", CreatedAt: t0},
		{Kind: "call", SID: "CAdev1", To: phoneA, URL: "http://x/twilio/voice?d=d2", Callback: "http://x/twilio/voice/status?d=d2", CreatedAt: t0.Add(time.Second)},
		{Kind: "sms", SID: "SMdev2", To: phoneA, Body: "sealed STOP", CreatedAt: t0.Add(2 * time.Second), Direction: phonegate.DevPhoneIn},
	}
	for i := range in {
		got, err := db.AddDevPhone(ctx, in[i])
		if err != nil {
			t.Fatal(err)
		}
		in[i].ID = got.ID
		if in[i].Direction == "" {
			in[i].Direction = phonegate.DevPhoneOut // what the server sent, unless said otherwise
		}
		if diff := cmp.Diff(in[i], got); diff != "" {
			t.Errorf("AddDevPhone (-want +got):\n%s", diff)
		}
	}
	if _, err := db.AddDevPhone(ctx, in[0]); !errors.Is(err, phonegate.ErrConflict) {
		t.Errorf("same SID twice: err = %v, want ErrConflict", err)
	}
	got, err := db.DevPhoneEntries(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]phonegate.DevPhoneEntry{in[2], in[1], in[0]}, got); diff != "" {
		t.Errorf("DevPhoneEntries, newest first (-want +got):\n%s", diff)
	}
	one, err := db.DevPhoneEntry(ctx, in[0].ID)
	if err != nil || one.SID != "SMdev1" {
		t.Errorf("DevPhoneEntry = %+v, %v", one, err)
	}
	if _, err := db.DevPhoneEntry(ctx, 999); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown entry: err = %v, want ErrNotFound", err)
	}
}
