package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// seedCaps lift the global daily caps for benchmarks that store more
// deliveries than a day may send.
var seedCaps = phonegate.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}

// capFixture makes challenges for the send cap tests: of any user, in any
// session, for any purpose.
type capFixture struct {
	t    *testing.T
	db   *sqlite.DB
	n    int
	live phonegate.Challenge
}

func newCapFixture(t *testing.T) *capFixture {
	return &capFixture{t: t, db: open(t)}
}

// user creates an account.
func (f *capFixture) user() int64 {
	f.t.Helper()
	f.n++
	u, err := f.db.CreateUser(context.Background(), fmt.Sprintf("u%d@example.com", f.n), "h", t0)
	if err != nil {
		f.t.Fatal(err)
	}
	return u.ID
}

// challenge stores a pending challenge of user in session for phone,
// made at now.
func (f *capFixture) challenge(user int64, session, purpose, phone string, now time.Time) phonegate.Challenge {
	f.t.Helper()
	f.n++
	c := phonegate.Challenge{ID: fmt.Sprintf("cap%d", f.n), UserID: user, SessionHash: []byte(session), Purpose: purpose,
		Label: "Apollo", Phone: phone, CodeMAC: []byte("mac"), CodeSealed: []byte("sealed"),
		CreatedAt: now, ExpiresAt: now.Add(phonegate.ChallengeLife)}
	if err := f.db.CreateChallenge(context.Background(), c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// send reserves an SMS of c asked from addr at now.
func (f *capFixture) send(c phonegate.Challenge, channel, addr string, now time.Time, caps phonegate.DailyCaps) error {
	_, err := f.db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: c.ID, Channel: channel, To: c.Phone,
		ClientAddr: addr, Now: now, Caps: caps})
	return err
}

// reason is the SendLimitError reason of err, "" for nil, and fails the
// test for any other error.
func reason(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var le *phonegate.SendLimitError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a SendLimitError", err)
	}
	return le.Reason
}

// spread is the i-th of numbers that share no range (they differ before
// their last four digits).
func spread(i int) string { return fmt.Sprintf("+1415%03d2671", 200+i) }

// TestSendCapsConcurrent releases many sends together against each cap:
// exactly the cap's worth are reserved, the rest refused by that cap.
func TestSendCapsConcurrent(t *testing.T) {
	tests := []struct {
		name   string
		n      int
		caps   phonegate.DailyCaps
		reason string
		want   int
		// setup returns the challenge of send i and its client address.
		setup func(f *capFixture, i int) (phonegate.Challenge, string)
		pre   int  // sends the setup made
		auto  bool // the racing sends are automatic (no cooldown)
	}{
		// A session has one live challenge at a time: 8 sends of two
		// earlier ones, then the live one's 5 race for the 2 left.
		{"one session", phonegate.MaxChallengeSends, phonegate.DailyCaps{}, phonegate.LimitSession, 2, func(f *capFixture, i int) (phonegate.Challenge, string) {
			if i == 0 {
				for j, n := range []int{5, 3} {
					c := f.challenge(1, "one session", phonegate.PurposeLogin, spread(90+j), t0)
					for range n {
						if _, err := f.db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms",
							To: c.Phone, Automatic: true, Now: t0}); err != nil {
							f.t.Fatal(err)
						}
					}
				}
				f.live = f.challenge(1, "one session", phonegate.PurposeLogin, spread(0), t0)
			}
			return f.live, fmt.Sprintf("192.0.2.%d", i)
		}, 8, true},
		{"one address", 100, phonegate.DailyCaps{}, phonegate.LimitAddress, phonegate.MaxAddressSends, func(f *capFixture, i int) (phonegate.Challenge, string) {
			return f.challenge(1, fmt.Sprintf("s%d", i), phonegate.PurposeLogin, spread(i), t0), "192.0.2.1"
		}, 0, false},
		{"one account's new numbers", 40, phonegate.DailyCaps{}, phonegate.LimitNewNumbers, phonegate.MaxNewNumbers, func(f *capFixture, i int) (phonegate.Challenge, string) {
			return f.challenge(1, fmt.Sprintf("s%d", i), phonegate.PurposeEnroll, spread(i), t0), fmt.Sprintf("192.0.2.%d", i)
		}, 0, false},
		{"one range, many accounts", 40, phonegate.DailyCaps{}, phonegate.LimitRange, phonegate.MaxRangeNumbers, func(f *capFixture, i int) (phonegate.Challenge, string) {
			return f.challenge(f.user(), fmt.Sprintf("s%d", i), phonegate.PurposeEnroll, fmt.Sprintf("+1415555%04d", i), t0),
				fmt.Sprintf("192.0.2.%d", i)
		}, 0, false},
		{"the day's SMS", 40, phonegate.DailyCaps{SMS: 25}, phonegate.LimitDaily, 25, func(f *capFixture, i int) (phonegate.Challenge, string) {
			return f.challenge(1, fmt.Sprintf("s%d", i), phonegate.PurposeLogin, spread(i), t0), fmt.Sprintf("192.0.2.%d", i)
		}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCapFixture(t)
			f.user() // user 1
			cs := make([]phonegate.Challenge, tt.n)
			addrs := make([]string, tt.n)
			for i := range tt.n {
				cs[i], addrs[i] = tt.setup(f, i)
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			errs := make([]error, tt.n)
			for i := range tt.n {
				wg.Go(func() {
					<-start
					_, errs[i] = f.db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: cs[i].ID,
						Channel: phonegate.ChannelSMS, To: cs[i].Phone, ClientAddr: addrs[i], Automatic: tt.auto, Now: t0, Caps: tt.caps})
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch r := reason(t, err); r {
				case "":
					won++
				case tt.reason:
				default:
					t.Errorf("refused by %q, want %q", r, tt.reason)
				}
			}
			if won != tt.want {
				t.Errorf("got %d sends reserved, want %d", won, tt.want)
			}
			ds, err := f.db.DailySends(context.Background(), phonegate.ChannelSMS, t0)
			if err != nil || ds != tt.pre+won {
				t.Errorf("DailySends = %d, %v; want %d", ds, err, tt.pre+won)
			}
		})
	}
}

// TestSendCapWindows: when each cap lets sends through again, and what it
// does not count.
func TestSendCapWindows(t *testing.T) {
	ctx := context.Background()
	t.Run("new numbers: three a day, the same number again is not new", func(t *testing.T) {
		f := newCapFixture(t)
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
		f := newCapFixture(t)
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
		f := newCapFixture(t)
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
		f := newCapFixture(t)
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
		g := newCapFixture(t)
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

// BenchmarkReserveSend is the send path: one send of a login challenge,
// through every limit and cap, for a client address seen before.
func BenchmarkReserveSend(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err != nil {
		b.Fatal(err)
	}
	cs := make([]phonegate.Challenge, b.N)
	for i := range cs {
		id := fmt.Sprintf("bench%d", i)
		cs[i] = phonegate.Challenge{ID: id, UserID: u.ID, SessionHash: []byte(id), Purpose: phonegate.PurposeLogin, Label: "Bench",
			Phone: fmt.Sprintf("+1202%07d", i), CodeMAC: []byte("mac"), CodeSealed: []byte("sealed"),
			CreatedAt: t0, ExpiresAt: t0.Add(phonegate.ChallengeLife)}
		if err := db.CreateChallenge(ctx, cs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i, c := range cs {
		if _, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: c.Phone,
			ClientAddr: fmt.Sprintf("198.51.%d.%d", i/200%256, i%200), Now: t0, Caps: seedCaps}); err != nil {
			b.Fatal(err)
		}
	}
}
