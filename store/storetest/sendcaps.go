package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// seedCaps lift the global daily caps for benchmarks that store more
// deliveries than a day may send.
var seedCaps = phonegate.DailyCaps{SMS: 1 << 30, Calls: 1 << 30}

// capFixture makes challenges for the send cap tests: of any user, in any
// session, for any purpose.
type capFixture struct {
	t    *testing.T
	db   phonegate.Store
	n    int
	live phonegate.Challenge
}

func newCapFixture(t *testing.T, open opener) *capFixture {
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

// dailySMS reports whether the store counted exactly n > 0 SMS on now's UTC
// day, as the code page reads the count: the day's SMS are blocked under a
// cap of n and not under a cap of n+1.
func (f *capFixture) dailySMS(n int, now time.Time) (bool, error) {
	ctx := context.Background()
	at, err := f.db.SendBlocks(ctx, spread(999), phonegate.DailyCaps{SMS: n}, now)
	if err != nil {
		return false, err
	}
	above, err := f.db.SendBlocks(ctx, spread(999), phonegate.DailyCaps{SMS: n + 1}, now)
	if err != nil {
		return false, err
	}
	return at.DailySMS && !above.DailySMS, nil
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

// testSendCapsConcurrent releases many sends together against each cap:
// exactly the cap's worth are reserved, the rest refused by that cap.
func testSendCapsConcurrent(t *testing.T, open opener) {
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
			f := newCapFixture(t, open)
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
			if ok, err := f.dailySMS(tt.pre+won, t0); err != nil || !ok {
				t.Errorf("the day's SMS are not %d: %v", tt.pre+won, err)
			}
		})
	}
}
