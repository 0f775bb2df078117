package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestSendBlocksAgreeWithReserveSend checks that what the code page reads
// before a send is what ReserveSend then refuses: the number's hourly
// limit, until the same time, and each channel's daily cap.
func TestSendBlocksAgreeWithReserveSend(t *testing.T) {
	ctx := context.Background()
	f := newCapFixture(t)
	user := f.user()
	const phone = "+14155552671"
	for i := range phonegate.MaxNumberSends {
		at := t0.Add(time.Duration(i) * time.Minute)
		c := f.challenge(user, fmt.Sprintf("s%d", i), phonegate.PurposeLogin, phone, at)
		if err := f.send(c, phonegate.ChannelCall, "203.0.113.7", at, seedCaps); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	last := t0.Add(time.Duration(phonegate.MaxNumberSends) * time.Minute)
	tests := []struct {
		name      string
		now       time.Time
		wantUntil time.Time
	}{
		{name: "at the limit", now: last, wantUntil: t0.Add(phonegate.SendWindow).UTC()},
		{name: "when the first send leaves the window", now: t0.Add(phonegate.SendWindow)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := f.db.SendBlocks(ctx, phone, seedCaps, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !b.NumberUntil.Equal(tt.wantUntil) {
				t.Errorf("NumberUntil: got %v, want %v", b.NumberUntil, tt.wantUntil)
			}
			c := f.challenge(user, "fresh-"+tt.name, phonegate.PurposeLogin, phone, tt.now)
			err = f.send(c, phonegate.ChannelCall, "203.0.113.7", tt.now, seedCaps)
			var le *phonegate.SendLimitError
			switch {
			case tt.wantUntil.IsZero() && err != nil:
				t.Errorf("ReserveSend: got %v, want the send to go", err)
			case !tt.wantUntil.IsZero() && (!errors.As(err, &le) || le.Reason != phonegate.LimitNumber || !le.RetryAt.Equal(tt.wantUntil)):
				t.Errorf("ReserveSend: got %v, want the number limit until %v", err, tt.wantUntil)
			}
		})
	}

	caps := phonegate.DailyCaps{SMS: 2, Calls: 100}
	other := "+14155550100"
	for i := range 2 {
		at := t0.Add(time.Duration(i) * time.Minute)
		if err := f.send(f.challenge(user, fmt.Sprintf("d%d", i), phonegate.PurposeLogin, other, at), phonegate.ChannelSMS, "198.51.100.1", at, caps); err != nil {
			t.Fatalf("SMS %d: %v", i+1, err)
		}
	}
	b, err := f.db.SendBlocks(ctx, other, caps, t0.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b, (phonegate.SendBlocks{DailySMS: true}); got != want {
		t.Errorf("daily caps: got %+v, want %+v", got, want)
	}
}
