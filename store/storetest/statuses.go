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

func testDeliveryStatus(t *testing.T, open opener) {
	type step struct {
		status      string
		code        int
		wantChanged bool
		wantStatus  string
		wantCode    int
	}
	tests := []struct {
		name       string
		steps      []step
		wantEvents []string
	}{
		{"in order", []step{
			{"queued", 0, false, "queued", 0},
			{"sent", 0, true, "sent", 0},
			{"delivered", 0, true, "delivered", 0},
		}, []string{"sent", "delivered"}},
		{"out of order keeps the latest", []step{
			{"delivered", 0, true, "delivered", 0},
			{"sent", 0, false, "delivered", 0},
			{"sending", 0, false, "delivered", 0},
		}, []string{"delivered"}},
		{"replays add nothing", []step{
			{"sent", 0, true, "sent", 0},
			{"sent", 0, false, "sent", 0},
			{"undelivered", 30003, true, "undelivered", 30003},
			{"undelivered", 30003, false, "undelivered", 30003},
		}, []string{"sent", "undelivered"}},
		{"the first final status wins", []step{
			{"failed", 30006, true, "failed", 30006},
			{"delivered", 0, false, "failed", 30006},
		}, []string{"failed"}},
		{"a call", []step{
			{"initiated", 0, false, "queued", 0},
			{"ringing", 0, true, "ringing", 0},
			{"in-progress", 0, true, "in-progress", 0},
			{"ringing", 0, false, "in-progress", 0},
			{"completed", 0, true, "completed", 0},
			{"no-answer", 0, false, "completed", 0},
		}, []string{"ringing", "in-progress", "completed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDeliveryFixture(t, open)
			ctx := context.Background()
			c := f.challenge(phoneA, "")
			d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0, Automatic: false})
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				now := t0.Add(time.Duration(i+1) * time.Second)
				changed, got, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: s.status, ErrorCode: s.code, At: now})
				if err != nil {
					t.Fatalf("step %d (%s): %v", i, s.status, err)
				}
				if changed != s.wantChanged || got.Status != s.wantStatus || got.ErrorCode != s.wantCode {
					t.Errorf("step %d (%s): changed %v, now %s (%d); want %v, %s (%d)", i, s.status,
						changed, got.Status, got.ErrorCode, s.wantChanged, s.wantStatus, s.wantCode)
				}
			}
			events, err := f.db.DeliveryEvents(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.Status)
			}
			if diff := cmp.Diff(tt.wantEvents, got); diff != "" {
				t.Errorf("delivery events (-want +got):\n%s", diff)
			}
		})
	}
}

func testDeliveryStatusErrors(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	if _, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: "dnope", Status: "delivered", At: t0}); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown delivery: err = %v, want ErrNotFound", err)
	}
	d := f.delivery("sms")
	if _, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: "exploded", At: t0}); err == nil {
		t.Error("unknown status: no error")
	}
}

// testDeliveryStatusConcurrent races final callbacks: exactly one of
// them changes the delivery, and only its event is recorded.
func testDeliveryStatusConcurrent(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	d := f.delivery("sms")
	statuses := []string{"delivered", "undelivered", "failed", "sent", "delivered", "undelivered"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var finals []string
	for _, s := range statuses {
		wg.Go(func() {
			changed, got, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: s, At: t0})
			if err != nil {
				t.Error(err)
			}
			if changed && phonegate.DeliveryFinal(got.Status) {
				mu.Lock()
				finals = append(finals, got.Status)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(finals) != 1 {
		t.Fatalf("final changes = %v, want exactly one", finals)
	}
	got, _ := f.db.Delivery(ctx, d.ID)
	if got.Status != finals[0] {
		t.Errorf("delivery ends %s, but the change that won was %s", got.Status, finals[0])
	}
}

// testApplyStatusAudit: the update that makes a delivery final writes its
// audit event, about the challenge's user, with the status; earlier
// statuses and replays write none, and concurrent callbacks write one.
func testApplyStatusAudit(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	d := f.delivery("sms")
	var calls sync.Map
	audit := func(got phonegate.Delivery) phonegate.AuditEvent {
		calls.Store(got.Status, true)
		return phonegate.AuditEvent{Kind: "code.delivered", Detail: "text to ***: " + got.Status, At: t0}
	}
	apply := func(status string) {
		t.Helper()
		if _, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: status, At: t0, Audit: audit}); err != nil {
			t.Fatal(err)
		}
	}
	apply("sent")
	if es := f.auditEvents(); len(es) != 0 {
		t.Fatalf("after sent: %d audit events, want 0", len(es))
	}
	var wg sync.WaitGroup
	for _, s := range []string{"delivered", "undelivered", "delivered", "failed"} {
		wg.Go(func() { apply(s) })
	}
	wg.Wait()
	apply("delivered") // a replay
	es := f.auditEvents()
	if len(es) != 1 {
		t.Fatalf("audit events = %+v, want exactly one", es)
	}
	final, _ := f.db.Delivery(ctx, d.ID)
	if want := "text to ***: " + final.Status; es[0].Detail != want || es[0].UserID != f.user.ID {
		t.Errorf("audit event = %+v, want %q about user %d", es[0], want, f.user.ID)
	}
	if _, ok := calls.Load("sent"); ok {
		t.Error("Audit was asked for a status that is not final")
	}
}

// testApplyStatusUnknown: an unknown delivery is ErrNotFound and spoils
// nothing for the updates committed with it.
func testApplyStatusUnknown(t *testing.T, open opener) {
	f := newDeliveryFixture(t, open)
	ctx := context.Background()
	d := f.delivery("sms")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			_, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: fmt.Sprint("dnope", i), Status: "sent", At: t0})
			if !errors.Is(err, phonegate.ErrNotFound) {
				t.Errorf("unknown delivery: err = %v", err)
			}
		})
	}
	wg.Go(func() {
		if changed, _, err := f.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: "sent", At: t0}); err != nil || !changed {
			t.Errorf("known delivery: changed %v, err %v", changed, err)
		}
	})
	wg.Wait()
	if got, _ := f.db.Delivery(ctx, d.ID); got.Status != "sent" {
		t.Errorf("status = %s, want sent", got.Status)
	}
}

// testPreferredChannel: passing a challenge makes the preferred channel
// that of its newest delivery that reached the phone
// (phonegate.DeliveryOutcome), else that of its newest delivery.
func testPreferredChannel(t *testing.T, open opener) {
	type send struct{ channel, status string }
	tests := []struct {
		name  string
		sends []send
		want  string
	}{
		{"a delivered text before a busy call", []send{{"sms", "delivered"}, {"call", "busy"}}, "sms"},
		{"an undelivered text before an answered call", []send{{"sms", "undelivered"}, {"call", "completed"}}, "call"},
		{"a canceled text before an answered call", []send{{"sms", "canceled"}, {"call", "in-progress"}}, "call"},
		{"a completed call before a text on its way", []send{{"call", "completed"}, {"sms", "sent"}}, "call"},
		{"nothing arrived: the newest", []send{{"call", "no-answer"}, {"sms", "canceled"}}, "sms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := open(t)
			u, _ := db.CreateUser(ctx, "ada@example.com", "h", t0)
			c := newChallenge(t, db, u.ID, "s", phonegate.PurposeLogin, t0)
			for i, s := range tt.sends {
				at := t0.Add(time.Duration(i) * time.Minute)
				d, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: s.channel, To: c.Phone, Now: at})
				if err != nil {
					t.Fatal(err)
				}
				if _, _, err := db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: d.ID, Status: s.status, At: at}); err != nil {
					t.Fatal(err)
				}
			}
			if err := answer(db, c, true, t0.Add(5*time.Minute)); err != nil {
				t.Fatal(err)
			}
			got, err := db.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.PreferredChannel != tt.want {
				t.Errorf("preferred channel: got %q, want %q", got.PreferredChannel, tt.want)
			}
		})
	}
}
