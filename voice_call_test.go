package phonegate_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// callDelivery reserves a call of challenge c, placed as the call sid
// ("" while the REST answer is not stored).
func (w *twilioWorld) callDelivery(t *testing.T, c phonegate.Challenge, sid string) phonegate.Delivery {
	t.Helper()
	ctx := context.Background()
	d, err := w.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: phonegate.ChannelCall,
		To: c.Phone, ClientAddr: "203.0.113.7", Now: w.now})
	if err != nil {
		t.Fatal(err)
	}
	if sid != "" {
		if err := w.db.SetDeliverySID(ctx, d.ID, sid); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// TestPressKey: the key-press step of a call to its own delivery: the
// code at the gate and on "1" at the repeat prompt, a goodbye without a
// key, the end of the call on another key.
func TestPressKey(t *testing.T) {
	tests := []struct {
		name          string
		digits, round string
		want          phonegate.CallAnswer
	}{
		{"no key", "", "", phonegate.CallAnswer{Step: phonegate.CallGoodbye, Label: "Apollo"}},
		{"any key at the gate", "7", "", phonegate.CallAnswer{Step: phonegate.CallCode, Label: "Apollo", Code: "042917", Round: 1}},
		{"1 at the repeat prompt", "1", "2", phonegate.CallAnswer{Step: phonegate.CallCode, Label: "Apollo", Code: "042917", Round: 2}},
		{"another key at the repeat prompt", "9", "2", phonegate.CallAnswer{Step: phonegate.CallEnd, Label: "Apollo"}},
		{"a round that is not a number", "1", "x", phonegate.CallAnswer{Step: phonegate.CallCode, Label: "Apollo", Code: "042917", Round: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTwilioWorld(t)
			d := w.callDelivery(t, w.challenge(t, "challenge-1", "+14155552671", "042917", ""), "CA1")
			got, err := w.svc.PressKey(context.Background(), d.ID, "CA1", tt.digits, tt.round)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PressKey (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAnswerCallRefuses: nothing is said to another call than the
// delivery's, for an unknown delivery or once the challenge has expired;
// the first call to ask for a delivery without a SID becomes its call.
func TestAnswerCallRefuses(t *testing.T) {
	ctx := context.Background()
	w := newTwilioWorld(t)
	c := w.challenge(t, "challenge-1", "+14155552671", "042917", "")
	placed := w.callDelivery(t, c, "CA1")
	w.now = w.now.Add(phonegate.SendCooldown)
	unbound := w.callDelivery(t, c, "")

	want := phonegate.CallAnswer{Step: phonegate.CallGate, Label: "Apollo"}
	if got, err := w.svc.AnswerCall(ctx, placed.ID, "CA1"); err != nil || got != want {
		t.Errorf("AnswerCall of its own call = %+v, %v; want %+v", got, err, want)
	}
	if got, err := w.svc.AnswerCall(ctx, unbound.ID, "CA2"); err != nil || got != want {
		t.Errorf("AnswerCall of the first call to ask = %+v, %v; want %+v", got, err, want)
	}
	if d, _ := w.db.Delivery(ctx, unbound.ID); d.SID != "CA2" {
		t.Errorf("the delivery's SID = %q, want CA2", d.SID)
	}
	refusals := []struct {
		name, id, sid string
	}{
		{"another call", placed.ID, "CA9"},
		{"another call after the first bound", unbound.ID, "CA9"},
		{"no call SID", placed.ID, ""},
		{"an unknown delivery", "no-such-delivery", "CA1"},
	}
	for _, r := range refusals {
		if _, err := w.svc.AnswerCall(ctx, r.id, r.sid); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("%s: AnswerCall err = %v, want ErrNotFound", r.name, err)
		}
		if _, err := w.svc.PressKey(ctx, r.id, r.sid, "1", ""); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("%s: PressKey err = %v, want ErrNotFound", r.name, err)
		}
	}
	w.now = c.ExpiresAt.Add(time.Second)
	if _, err := w.svc.PressKey(ctx, placed.ID, "CA1", "1", ""); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("expired: PressKey err = %v, want ErrNotFound", err)
	}
}
