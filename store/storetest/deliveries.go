package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// deliveryFixture is a user with a project and helpers to give them
// challenges.
type deliveryFixture struct {
	t       *testing.T
	db      phonegate.Store
	user    phonegate.User
	project phonegate.Project
	n       int
}

func newDeliveryFixture(t *testing.T, open opener) *deliveryFixture {
	t.Helper()
	db := open(t)
	ctx := context.Background()
	u, err := db.CreateUser(ctx, "ada@example.com", "h", t0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.CreateProject(ctx, u.ID, "Apollo", t0)
	if err != nil {
		t.Fatal(err)
	}
	// Apollo asks for the code: its log is where code events are written.
	if _, err := db.SetMFALevel(ctx, p.ID, u.ID, "every_login", t0); err != nil {
		t.Fatal(err)
	}
	return &deliveryFixture{t: t, db: db, user: u, project: p}
}

// challenge stores a pending challenge for phone, created at t0 and living
// ten minutes, each in a session of its own.
func (f *deliveryFixture) challenge(phone, replyCode string) phonegate.Challenge {
	f.t.Helper()
	f.n++
	c := phonegate.Challenge{
		ID:          fmt.Sprintf("ch%d", f.n),
		UserID:      f.user.ID,
		SessionHash: []byte(fmt.Sprintf("session %d", f.n)),
		Purpose:     phonegate.PurposeLogin,
		Label:       "Apollo",
		Phone:       phone,
		CodeMAC:     []byte("mac"),
		CodeSealed:  []byte("sealed"),
		ReplyMAC:    replyMAC(phone, replyCode),
		CreatedAt:   t0,
		ExpiresAt:   t0.Add(10 * time.Minute),
	}
	if err := f.db.CreateChallenge(context.Background(), c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// delivery reserves a first send of a new challenge's code to phoneA.
func (f *deliveryFixture) delivery(channel string) phonegate.Delivery {
	f.t.Helper()
	c := f.challenge(phoneA, "")
	d, err := f.db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: c.ID, Channel: channel, To: phoneA, Now: t0, Automatic: false})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *deliveryFixture) auditEvents() []phonegate.AuditEvent {
	f.t.Helper()
	es, err := f.db.AuditEvents(context.Background(), f.project.ID, 0, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []phonegate.AuditEvent
	for _, e := range es {
		if e.Kind == "code.delivered" {
			out = append(out, e)
		}
	}
	return out
}

func testReserveSendLimits(t *testing.T, open opener) {
	type send struct {
		after     time.Duration // since t0
		channel   string
		automatic bool
		newChal   bool // on a new challenge for the same number
		reason    string
		retryIn   time.Duration // since t0; for a limit with a retry time
	}
	tests := []struct {
		name  string
		sends []send
	}{
		{"cooldown between sends", []send{
			{after: 0, channel: "sms"},
			{after: 10 * time.Second, channel: "sms", reason: phonegate.LimitCooldown, retryIn: 30 * time.Second},
			{after: 29 * time.Second, channel: "call", reason: phonegate.LimitCooldown, retryIn: 30 * time.Second},
			{after: 30 * time.Second, channel: "call"},
		}},
		{"automatic call skips the cooldown", []send{
			{after: 0, channel: "sms"},
			{after: 5 * time.Second, channel: "call", automatic: true},
			{after: 20 * time.Second, channel: "sms", reason: phonegate.LimitCooldown, retryIn: 35 * time.Second},
		}},
		{"five sends per challenge, automatic included", []send{
			{after: 0, channel: "sms"},
			{after: 1 * time.Second, channel: "call", automatic: true},
			{after: 40 * time.Second, channel: "sms"},
			{after: 80 * time.Second, channel: "sms"},
			{after: 120 * time.Second, channel: "call"},
			{after: 160 * time.Second, channel: "sms", reason: phonegate.LimitChallenge},
			{after: 161 * time.Second, channel: "call", automatic: true, reason: phonegate.LimitChallenge},
		}},
		{"ten sends per number per hour", []send{
			{after: 0, channel: "sms"},
			{after: 1 * time.Minute, channel: "sms", newChal: true},
			{after: 2 * time.Minute, channel: "sms", newChal: true},
			{after: 3 * time.Minute, channel: "sms", newChal: true},
			{after: 4 * time.Minute, channel: "sms", newChal: true},
			{after: 5 * time.Minute, channel: "sms", newChal: true},
			{after: 6 * time.Minute, channel: "sms", newChal: true},
			{after: 7 * time.Minute, channel: "sms", newChal: true},
			{after: 8 * time.Minute, channel: "sms", newChal: true},
			{after: 9 * time.Minute, channel: "call", newChal: true},
			{after: 9*time.Minute + 30*time.Second, channel: "sms", newChal: true, reason: phonegate.LimitNumber, retryIn: time.Hour},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDeliveryFixture(t, open)
			ctx := context.Background()
			c := f.challenge(phoneA, "")
			for i, s := range tt.sends {
				if s.newChal {
					c = f.challenge(phoneA, "")
				}
				now := t0.Add(s.after)
				d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: s.channel, To: phoneA, Now: now, Automatic: s.automatic})
				if s.reason == "" {
					if err != nil {
						t.Fatalf("send %d: %v", i, err)
					}
					if d.ID == "" || d.Status != "queued" || d.Channel != s.channel || d.ChallengeID != c.ID {
						t.Errorf("send %d: delivery = %+v", i, d)
					}
					continue
				}
				var le *phonegate.SendLimitError
				if !errors.As(err, &le) || !errors.Is(err, phonegate.ErrLimited) {
					t.Fatalf("send %d: err = %v, want a SendLimitError", i, err)
				}
				want := phonegate.SendLimitError{Reason: s.reason}
				if s.retryIn != 0 {
					want.RetryAt = t0.Add(s.retryIn)
				}
				if diff := cmp.Diff(want, *le); diff != "" {
					t.Errorf("send %d: limit (-want +got):\n%s", i, diff)
				}
			}
		})
	}
}

func testReserveSendEnded(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	c := f.challenge(phoneA, "")
	if _, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0.Add(10 * time.Minute), Automatic: false}); !errors.Is(err, phonegate.ErrChallengeEnded) {
		t.Errorf("expired: err = %v, want ErrChallengeEnded", err)
	}
	if _, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: "nope", Channel: "sms", To: phoneA, Now: t0, Automatic: false}); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown challenge: err = %v, want ErrNotFound", err)
	}
	if _, err := f.db.CancelPendingForPhone(ctx, phoneA, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0, Automatic: false}); !errors.Is(err, phonegate.ErrChallengeEnded) {
		t.Errorf("cancelled: err = %v, want ErrChallengeEnded", err)
	}
}

// testReserveSendConcurrent races many sends on one challenge: the limit
// holds exactly.
func testReserveSendConcurrent(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	c := f.challenge(phoneA, "")
	ok := race(t, 20, func(int) (bool, error) {
		_, err := f.db.ReserveSend(context.Background(), phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: true})
		if errors.Is(err, phonegate.ErrLimited) {
			return false, nil
		}
		return err == nil, err
	})
	if ok != phonegate.MaxChallengeSends {
		t.Errorf("%d concurrent sends went through, want %d", ok, phonegate.MaxChallengeSends)
	}
}

// testFailDeliveryGivesTheSendBack: a send the API refused reached nobody,
// so the user may switch method at once, and it does not use up the
// challenge's sends.
func testFailDeliveryGivesTheSendBack(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	c := f.challenge(phoneA, "")
	first, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0, Automatic: false})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetDeliverySID(ctx, first.ID, "SM1"); err != nil {
		t.Fatal(err)
	}
	refused, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0.Add(40 * time.Second), Automatic: false})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.FailDelivery(ctx, refused.ID, 21610, t0.Add(41*time.Second)); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.Delivery(ctx, refused.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "failed" || got.ErrorCode != 21610 {
		t.Errorf("refused delivery = %+v, want failed with 21610", got)
	}
	ch, err := f.db.Challenge(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Sends != 1 || !ch.LastSendAt.Equal(t0) {
		t.Errorf("after the refusal: sends = %d, last send %v; want 1 and %v", ch.Sends, ch.LastSendAt, t0)
	}
	if _, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0.Add(42 * time.Second), Automatic: false}); err != nil {
		t.Errorf("call right after a refused SMS: %v", err)
	}
	ds, err := f.db.Deliveries(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var channels []string
	for _, d := range ds {
		channels = append(channels, d.Channel+" "+d.Status)
	}
	if diff := cmp.Diff([]string{"sms queued", "sms failed", "call queued"}, channels); diff != "" {
		t.Errorf("deliveries, oldest first (-want +got):\n%s", diff)
	}
}

func testClaimAutoCallOnce(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	c := f.challenge(phoneA, "")
	claims := race(t, 10, func(int) (bool, error) { return f.db.ClaimAutoCall(context.Background(), c.ID) })
	if claims != 1 {
		t.Errorf("%d claims of the automatic call, want 1", claims)
	}
}
