package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// deliveryFixture is a user with a project and helpers to give them
// challenges.
type deliveryFixture struct {
	t       *testing.T
	db      *sqlite.DB
	user    phonegate.User
	project phonegate.Project
	n       int
}

func newDeliveryFixture(t *testing.T) *deliveryFixture {
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

const phoneA = "+14155552671"

func TestReserveSendLimits(t *testing.T) {
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
			f := newDeliveryFixture(t)
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

func TestReserveSendEnded(t *testing.T) {
	f := newDeliveryFixture(t)
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

// TestReserveSendConcurrent races many sends on one challenge: the limit
// holds exactly.
func TestReserveSendConcurrent(t *testing.T) {
	f := newDeliveryFixture(t)
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

// TestFailDeliveryGivesTheSendBack: a send the API refused reached nobody,
// so the user may switch method at once, and it does not use up the
// challenge's sends.
func TestFailDeliveryGivesTheSendBack(t *testing.T) {
	f := newDeliveryFixture(t)
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

func TestClaimAutoCallOnce(t *testing.T) {
	f := newDeliveryFixture(t)
	c := f.challenge(phoneA, "")
	claims := race(t, 10, func(int) (bool, error) { return f.db.ClaimAutoCall(context.Background(), c.ID) })
	if claims != 1 {
		t.Errorf("%d claims of the automatic call, want 1", claims)
	}
}

func TestUpdateDeliveryStatus(t *testing.T) {
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
			f := newDeliveryFixture(t)
			ctx := context.Background()
			c := f.challenge(phoneA, "")
			d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "sms", To: phoneA, Now: t0, Automatic: false})
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				now := t0.Add(time.Duration(i+1) * time.Second)
				changed, got, err := f.db.UpdateDeliveryStatus(ctx, d.ID, s.status, s.code, now)
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

func TestUpdateDeliveryStatusErrors(t *testing.T) {
	f := newDeliveryFixture(t)
	ctx := context.Background()
	if _, _, err := f.db.UpdateDeliveryStatus(ctx, "dnope", "delivered", 0, t0); !errors.Is(err, phonegate.ErrNotFound) {
		t.Errorf("unknown delivery: err = %v, want ErrNotFound", err)
	}
	d := f.delivery("sms")
	if _, _, err := f.db.UpdateDeliveryStatus(ctx, d.ID, "exploded", 0, t0); err == nil {
		t.Error("unknown status: no error")
	}
}

// TestUpdateDeliveryStatusConcurrent races final callbacks: exactly one of
// them changes the delivery, and only its event is recorded.
func TestUpdateDeliveryStatusConcurrent(t *testing.T) {
	f := newDeliveryFixture(t)
	ctx := context.Background()
	d := f.delivery("sms")
	statuses := []string{"delivered", "undelivered", "failed", "sent", "delivered", "undelivered"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var finals []string
	for _, s := range statuses {
		wg.Go(func() {
			changed, got, err := f.db.UpdateDeliveryStatus(ctx, d.ID, s, 0, t0)
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

func TestDeliveryForVoice(t *testing.T) {
	f := newDeliveryFixture(t)
	ctx := context.Background()
	c := f.challenge(phoneA, "")
	d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: false})
	if err != nil {
		t.Fatal(err)
	}
	want := phonegate.VoiceDelivery{ID: d.ID, ChallengeID: c.ID, Channel: "call", Label: "Apollo",
		State: phonegate.ChallengePending, ExpiresAt: c.ExpiresAt, CodeSealed: []byte("sealed"), Status: "queued"}
	// Twice: the second read goes through the cache of what never changes.
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

// TestDeliveryForVoiceCall: the read also brings the delivery's call SID
// and status, fresh, so that the webhook can tell the call it placed from
// any other and a call that ended from one in progress.
func TestDeliveryForVoiceCall(t *testing.T) {
	f := newDeliveryFixture(t)
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
	read() // fills the cache, so that the reads below go through it
	if err := f.db.SetDeliverySID(ctx, d.ID, "CA1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.db.UpdateDeliveryStatus(ctx, d.ID, "in-progress", 0, t0); err != nil {
		t.Fatal(err)
	}
	if v := read(); v.SID != "CA1" || v.Status != "in-progress" || !v.Speakable(t0) {
		t.Errorf("answered call: SID %q status %q speakable %v; want CA1, in-progress, true", v.SID, v.Status, v.Speakable(t0))
	}
	for _, final := range []string{"completed", "busy", "no-answer", "failed", "canceled"} {
		t.Run(final, func(t *testing.T) {
			f := newDeliveryFixture(t)
			c := f.challenge(phoneA, "")
			d, err := f.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: phoneA, Now: t0, Automatic: false})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.db.UpdateDeliveryStatus(ctx, d.ID, final, 0, t0); err != nil {
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

// TestBindCallSID: a call delivery whose SID is not known yet (Twilio may
// request the TwiML before the REST answer is stored) takes the first
// CallSid that asks, once; another call is refused, the same call is not.
func TestBindCallSID(t *testing.T) {
	f := newDeliveryFixture(t)
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

// TestApplyStatusAudit: the update that makes a delivery final writes its
// audit event, about the challenge's user, with the status; earlier
// statuses and replays write none, and concurrent callbacks write one.
func TestApplyStatusAudit(t *testing.T) {
	f := newDeliveryFixture(t)
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

// TestApplyStatusUnknown: an unknown delivery is ErrNotFound and spoils
// nothing for the updates committed with it.
func TestApplyStatusUnknown(t *testing.T) {
	f := newDeliveryFixture(t)
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

// race runs fn n times at once and counts the calls that won; an error
// fails the test.
func race(t *testing.T, n int, fn func(i int) (bool, error)) int {
	t.Helper()
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := range n {
		wg.Go(func() {
			ok, err := fn(i)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	return int(won.Load())
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
