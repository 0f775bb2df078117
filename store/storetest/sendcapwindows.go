package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// testSendCapWindows: when each cap lets sends through again, and what it
// does not count.
func testSendCapWindows(t *testing.T, open opener) {
	ctx := context.Background()
	t.Run("new numbers: three a day, the same number again is not new", func(t *testing.T) {
		f := newCapFixture(t, open)
		u := f.user()
		for i := range 3 {
			at := t0.Add(time.Duration(i) * time.Hour)
			if err := f.send(f.challenge(u, "s", phonegate.PurposeEnroll, spread(i), at), "sms", "192.0.2.1", at, phonegate.DailyCaps{}); err != nil {
				t.Fatal(err)
			}
		}
		now := t0.Add(5 * time.Hour)
		err := f.send(f.challenge(u, "s2", phonegate.PurposeEnroll, spread(3), now), "sms", "192.0.2.1", now, phonegate.DailyCaps{})
		var le *phonegate.SendLimitError
		if !errors.As(err, &le) || le.Reason != phonegate.LimitNewNumbers || !le.RetryAt.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("a fourth new number: err = %v, want new-numbers until %v", err, t0.Add(24*time.Hour))
		}
		if err := f.send(f.challenge(u, "s3", phonegate.PurposeEnroll, spread(1), now), "sms", "192.0.2.1", now, phonegate.DailyCaps{}); err != nil {
			t.Errorf("a number tried today already: %v", err)
		}
		if err := f.send(f.challenge(u, "s4", phonegate.PurposeLogin, spread(4), now), "sms", "192.0.2.1", now, phonegate.DailyCaps{}); err != nil {
			t.Errorf("a login code is not an enrollment: %v", err)
		}
		if err := f.send(f.challenge(f.user(), "s5", phonegate.PurposeEnroll, spread(5), now), "sms", "192.0.2.1", now, phonegate.DailyCaps{}); err != nil {
			t.Errorf("another account: %v", err)
		}
		later := t0.Add(24 * time.Hour)
		if err := f.send(f.challenge(u, "s6", phonegate.PurposeEnroll, spread(3), later), "sms", "192.0.2.1", later, phonegate.DailyCaps{}); err != nil {
			t.Errorf("a day after the first: %v", err)
		}
	})
	t.Run("range: three numbers an hour", func(t *testing.T) {
		f := newCapFixture(t, open)
		for i := range 3 {
			at := t0.Add(time.Duration(i) * time.Minute)
			if err := f.send(f.challenge(f.user(), "s", phonegate.PurposeEnroll, fmt.Sprintf("+1415555010%d", i), at), "sms", "", at, phonegate.DailyCaps{}); err != nil {
				t.Fatal(err)
			}
		}
		now := t0.Add(10 * time.Minute)
		err := f.send(f.challenge(f.user(), "s", phonegate.PurposeEnroll, "+14155559999", now), "sms", "", now, phonegate.DailyCaps{})
		var le *phonegate.SendLimitError
		if !errors.As(err, &le) || le.Reason != phonegate.LimitRange || !le.RetryAt.Equal(t0.Add(time.Hour)) {
			t.Errorf("a fourth number of the range: err = %v, want range until %v", err, t0.Add(time.Hour))
		}
		for _, tc := range []struct{ what, phone, purpose string }{
			{"another range", "+14155560100", phonegate.PurposeEnroll},
			{"a number of the range already seen", "+14155550101", phonegate.PurposeEnroll},
			{"a login code to the range", "+14155550199", phonegate.PurposeLogin},
		} {
			if err := f.send(f.challenge(f.user(), "s", tc.purpose, tc.phone, now), "sms", "", now, phonegate.DailyCaps{}); err != nil {
				t.Errorf("%s: %v", tc.what, err)
			}
		}
		later := t0.Add(time.Hour)
		if err := f.send(f.challenge(f.user(), "s", phonegate.PurposeEnroll, "+14155559999", later), "sms", "", later, phonegate.DailyCaps{}); err != nil {
			t.Errorf("an hour after the first: %v", err)
		}
	})
	t.Run("daily: per channel, until 00:00 UTC", func(t *testing.T) {
		f := newCapFixture(t, open)
		f.user()
		caps := phonegate.DailyCaps{SMS: 2, Calls: 1}
		for i := range 2 {
			if err := f.send(f.challenge(1, fmt.Sprint(i), phonegate.PurposeLogin, spread(i), t0), "sms", "", t0, caps); err != nil {
				t.Fatal(err)
			}
		}
		err := f.send(f.challenge(1, "x", phonegate.PurposeLogin, spread(9), t0), "sms", "", t0, caps)
		midnight := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
		var le *phonegate.SendLimitError
		if !errors.As(err, &le) || le.Reason != phonegate.LimitDaily || !le.RetryAt.Equal(midnight) {
			t.Errorf("a third SMS: err = %v, want daily until %v", err, midnight)
		}
		if err := f.send(f.challenge(1, "y", phonegate.PurposeLogin, spread(8), t0), "call", "", t0, caps); err != nil {
			t.Errorf("a call under its own cap: %v", err)
		}
		if err := f.send(f.challenge(1, "z", phonegate.PurposeLogin, spread(7), midnight), "sms", "", midnight, caps); err != nil {
			t.Errorf("the next day: %v", err)
		}
	})
	t.Run("the automatic call counts against the address and session of its challenge", func(t *testing.T) {
		f := newCapFixture(t, open)
		f.user()
		for i := range phonegate.MaxAddressSends - 1 {
			if err := f.send(f.challenge(1, fmt.Sprint(i), phonegate.PurposeLogin, spread(i), t0), "sms", "198.51.100.7", t0, phonegate.DailyCaps{}); err != nil {
				t.Fatal(err)
			}
		}
		c := f.challenge(1, "last", phonegate.PurposeLogin, spread(99), t0)
		if err := f.send(c, "sms", "198.51.100.7", t0, phonegate.DailyCaps{}); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: c.Phone, Automatic: true, Now: t0})
		if r := reason(t, err); r != phonegate.LimitAddress {
			t.Errorf("the automatic call past the address's cap: refused by %q, want %q", r, phonegate.LimitAddress)
		}
		// In a session at its cap, the automatic call is refused too.
		g := newCapFixture(t, open)
		g.user()
		var last phonegate.Challenge
		for i := range phonegate.MaxSessionSends {
			last = g.challenge(1, "one", phonegate.PurposeLogin, spread(i), t0)
			if err := g.send(last, "sms", "", t0, phonegate.DailyCaps{}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = g.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: last.ID, Channel: "call", To: last.Phone, Automatic: true, Now: t0})
		if r := reason(t, err); r != phonegate.LimitSession {
			t.Errorf("the automatic call past the session's cap: refused by %q, want %q", r, phonegate.LimitSession)
		}
	})
}

// testSendBlocksAgreeWithReserveSend checks that what the code page reads
// before a send is what ReserveSend then refuses: the number's hourly
// limit, until the same time, and each channel's daily cap.
func testSendBlocksAgreeWithReserveSend(t *testing.T, open opener) {
	ctx := context.Background()
	f := newCapFixture(t, open)
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
