package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

func testDeliveryForVoice(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	c := f.challenge(phoneA, "")
	d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: false})
	if err != nil {
		t.Fatal(err)
	}
	want := phonegate.VoiceDelivery{ID: d.ID, ChallengeID: c.ID, Channel: "call", Label: "Apollo",
		State: phonegate.ChallengePending, ExpiresAt: c.ExpiresAt, CodeSealed: []byte("sealed"), Status: "queued"}
	// Twice: a store may keep what never changes for the second read.
	for i := range 2 {
		v, err := f.db.DeliveryForVoice(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, v); diff != "" {
			t.Errorf("read %d (-want +got):\n%s", i, diff)
		}
		if !v.Speakable(t0.Add(9 * time.Minute)) {
			t.Errorf("read %d: not speakable in its lifetime", i)
		}
		if v.Speakable(t0.Add(10 * time.Minute)) {
			t.Errorf("read %d: speakable once expired", i)
		}
	}
	// The state is read fresh: a challenge cancelled after the first read
	// stops the call from reading its code.
	if _, err := f.db.CancelPendingForPhone(ctx, phoneA, t0); err != nil {
		t.Fatal(err)
	}
	v, err := f.db.DeliveryForVoice(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Speakable(t0) || v.CodeSealed != nil || v.State != phonegate.ChallengeCancelled {
		t.Errorf("after cancel: %+v, want cancelled without a code", v)
	}
	if _, err := f.db.DeliveryForVoice(ctx, "dnope"); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown delivery: err = %v, want ErrNotFound", err)
	}
}

// testDeliveryForVoiceCall: the read also brings the delivery's call SID
// and status, fresh, so that the webhook can tell the call it placed from
// any other and a call that ended from one in progress.
func testDeliveryForVoiceCall(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	c := f.challenge(phoneA, "")
	d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: false})
	if err != nil {
		t.Fatal(err)
	}
	read := func() phonegate.VoiceDelivery {
		t.Helper()
		v, err := f.db.DeliveryForVoice(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	read() // a store that keeps what never changes keeps it now, for the reads below
	if err := f.db.SetDeliverySID(ctx, d.ID, "CA1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: "in-progress", At: t0}); err != nil {
		t.Fatal(err)
	}
	if v := read(); v.SID != "CA1" || v.Status != "in-progress" || !v.Speakable(t0) {
		t.Errorf("answered call: SID %q status %q speakable %v; want CA1, in-progress, true", v.SID, v.Status, v.Speakable(t0))
	}
	for _, final := range []string{"completed", "busy", "no-answer", "failed", "canceled"} {
		t.Run(final, func(t *testing.T) {
			f := newDeliveryFixture(t, open)
			c := f.challenge(phoneA, "")
			d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: false})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: final, At: t0}); err != nil {
				t.Fatal(err)
			}
			v, err := f.db.DeliveryForVoice(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.Status != final || v.Speakable(t0) {
				t.Errorf("status %q speakable %v; want %s, not speakable", v.Status, v.Speakable(t0), final)
			}
		})
	}
}

// testBindCallSID: a call delivery whose SID is not known yet (Twilio may
// request the TwiML before the REST answer is stored) takes the first
// CallSid that asks, once; another call is refused, the same call is not.
func testBindCallSID(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	c := f.challenge(phoneA, "")
	call, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: true})
	if err != nil {
		t.Fatal(err)
	}
	sms, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0, Automatic: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, id, sid string
		want          bool
	}{
		{"the first call", call.ID, "CA1", true},
		{"the same call again", call.ID, "CA1", true},
		{"another call", call.ID, "CA2", false},
		{"an SMS delivery", sms.ID, "CA3", false},
		{"an unknown delivery", "dnope", "CA4", false},
		{"no CallSid", call.ID, "", false},
	} {
		got, err := f.db.BindCallSID(ctx, tt.id, tt.sid)
		if err != nil || got != tt.want {
			t.Errorf("%s: BindCallSID = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	sidOf := func(id string) string {
		t.Helper()
		d, err := f.db.Delivery(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return d.SID
	}
	if got := sidOf(call.ID); got != "CA1" {
		t.Errorf("stored SID %q, want CA1", got)
	}

	// Concurrent first requests of different calls: exactly one wins.
	race, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: true})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var winners []string
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			sid := fmt.Sprintf("CA%02d", i)
			ok, err := f.db.BindCallSID(ctx, race.ID, sid)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				winners = append(winners, sid)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if got := sidOf(race.ID); len(winners) != 1 || got != winners[0] {
		t.Errorf("winners %v, stored SID %q; want exactly one, stored", winners, got)
	}
}
