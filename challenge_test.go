package phonegate_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store/sqlite"
)

// recordingSender records what it is asked to send, and accepts it.
type recordingSender struct {
	mu    sync.Mutex
	sms   []phonegate.SMS
	calls []phonegate.Call
}

func (s *recordingSender) SendSMS(_ context.Context, m phonegate.SMS) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sms = append(s.sms, m)
	return "SM" + string(rune('a'+len(s.sms))), nil
}

func (s *recordingSender) PlaceCall(_ context.Context, c phonegate.Call) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	return "CA" + string(rune('a'+len(s.calls))), nil
}

func (s *recordingSender) counts() (sms, calls int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sms), len(s.calls)
}

const testPhone = "+14155550123"

// codeWorld is a service on a fresh SQLite file, with a fixed clock, a
// sender that records, a user in a project whose level asks for the code
// at every login, and a session of that user past the password.
type codeWorld struct {
	svc    *phonegate.Service
	db     *sqlite.DB
	keys   *phonegate.Keys
	sender *recordingSender
	user   phonegate.User
	proj   phonegate.Project
	sess   phonegate.Session
	now    time.Time
}

func newCodeWorld(t *testing.T) *codeWorld {
	t.Helper()
	ctx := context.Background()
	db, keys := openStore(t, 5)
	var err error
	w := &codeWorld{db: db, keys: keys, sender: &recordingSender{}, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	w.svc, err = phonegate.New(phonegate.Config{Store: db, Sender: w.sender, Keys: keys,
		Hasher: phonegate.NewHasher(fast), Now: func() time.Time { return w.now },
		Logger: zerolog.Nop(), PublicURL: "https://phonegate.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if w.user, err = db.CreateUser(ctx, "ada@example.com", "", w.now); err != nil {
		t.Fatal(err)
	}
	if w.proj, err = db.CreateProject(ctx, w.user.ID, "Apollo", w.now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SetMFALevel(ctx, w.proj.ID, w.user.ID, string(phonegate.LevelEveryLogin), w.now); err != nil {
		t.Fatal(err)
	}
	w.sess = phonegate.Session{TokenHash: phonegate.HashToken("session"), UserID: w.user.ID, CSRFToken: "csrf",
		CreatedAt: w.now, LastSeenAt: w.now}
	if err := db.CreateSession(ctx, w.sess); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *codeWorld) step(t *testing.T) phonegate.Step {
	t.Helper()
	g, err := w.svc.Gate(context.Background(), w.user, w.sess, "")
	if err != nil {
		t.Fatal(err)
	}
	return g.Step
}

// TestEnrollThenLogin walks the service through an enrollment and the
// login after it: the gate's step at each point, a code typed before it
// is sent, a wrong code, the right one, the emergency code shown once.
func TestEnrollThenLogin(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	if got := w.step(t); got != phonegate.StepPhone {
		t.Fatalf("step with no phone: got %v, want StepPhone", got)
	}
	c, d, err := w.svc.StartEnrollment(ctx, w.user, w.sess, "", phonegate.Enrollment{Number: "(415) 555-0123",
		Country: "US", Channel: phonegate.ChannelSMS, ClientAddr: "192.0.2.1"})
	if err != nil || d.ID == "" {
		t.Fatalf("StartEnrollment: %v, delivery %q", err, d.ID)
	}
	if c.Phone != testPhone || c.Label != "Apollo" {
		t.Errorf("challenge to %q named %q, want %q named Apollo", c.Phone, c.Label, testPhone)
	}
	if sms, _ := w.sender.counts(); sms != 1 {
		t.Fatalf("%d text messages sent, want 1", sms)
	}
	c, _, err = w.svc.SessionChallenge(ctx, w.user, w.sess)
	if err != nil {
		t.Fatal(err)
	}
	code, err := w.keys.Open(c.ID, c.CodeSealed)
	if err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if err := w.svc.CheckCode(ctx, w.user, w.sess, c, "12"); phonegate.ErrorMessage(err) !=
		"Enter the 6-digit code from the text message or the call." {
		t.Errorf("a malformed code: got %v", err)
	}
	if err := w.svc.CheckCode(ctx, w.user, w.sess, c, wrong); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("a wrong code: got %v, want ErrCodeRefused", err)
	}
	if err := w.svc.CheckCode(ctx, w.user, w.sess, c, code[:3]+" "+code[3:]); err != nil {
		t.Fatalf("the right code, spaced: %v", err)
	}
	p, err := w.svc.PassChallenge(ctx, w.user, w.sess, "", c, phonegate.Pass{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enrolled || !p.User.PhoneVerified || p.User.Phone != testPhone || p.Trust {
		t.Errorf("passed: %+v; want enrolled, the phone verified, no trust at every login", p)
	}
	if _, err := w.svc.PassChallenge(ctx, w.user, w.sess, "", c, phonegate.Pass{}); !errors.Is(err, phonegate.ErrCodeRefused) {
		t.Errorf("a second pass of one challenge: got %v, want ErrCodeRefused", err)
	}
	w.user = p.User
	if got := w.step(t); got != phonegate.StepEmergency {
		t.Errorf("step after the enrollment: got %v, want StepEmergency", got)
	}
	if secret, ok, err := w.svc.TakeReveal(ctx, w.user.ID, w.sess, phonegate.RevealEmergency); err != nil || !ok || secret == "" {
		t.Fatalf("the emergency code: %q, %v, %v", secret, ok, err)
	}
	if _, ok, _ := w.svc.TakeReveal(ctx, w.user.ID, w.sess, phonegate.RevealEmergency); ok {
		t.Error("the emergency code was shown twice")
	}

	// A new session of the same user, past the password only.
	w.sess = phonegate.Session{TokenHash: phonegate.HashToken("second"), UserID: w.user.ID, CSRFToken: "csrf2",
		CreatedAt: w.now, LastSeenAt: w.now}
	if err := w.db.CreateSession(ctx, w.sess); err != nil {
		t.Fatal(err)
	}
	if got := w.step(t); got != phonegate.StepVerify {
		t.Errorf("step of a new session: got %v, want StepVerify", got)
	}
	w.sess.MFAAt = w.now
	if got := w.step(t); got != phonegate.StepNone {
		t.Errorf("step of a session that passed the code now: got %v, want StepNone", got)
	}
}

// TestCanceledSMSPlacesOneCall: a text message that Twilio cancels will
// not arrive: the automatic call goes, once, the audit log says so, and
// the facts of the code page show the text failed.
func TestCanceledSMSPlacesOneCall(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	c, err := w.svc.NewChallenge(ctx, w.user, w.sess, phonegate.PurposeLogin, testPhone, "Apollo")
	if err != nil {
		t.Fatal(err)
	}
	d, err := w.svc.SendCode(ctx, c, phonegate.ChannelSMS, "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []string{"canceled", "failed"} {
		if err := w.svc.DeliveryStatus(ctx, phonegate.StatusReport{Channel: phonegate.ChannelSMS, ID: d.ID,
			Status: status, To: testPhone}); err != nil {
			t.Fatal(err)
		}
	}
	if _, calls := w.sender.counts(); calls != 1 {
		t.Fatalf("%d calls placed after a canceled text message, want 1", calls)
	}
	c, err = w.db.Challenge(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	f, err := w.svc.CodeFacts(ctx, w.user, c)
	if err != nil {
		t.Fatal(err)
	}
	var got []phonegate.Outcome
	for _, d := range f.Deliveries {
		got = append(got, phonegate.DeliveryOutcome(d.Channel, d.Status))
	}
	if diff := cmp.Diff([]phonegate.Outcome{phonegate.OutcomeFailed, phonegate.OutcomePending}, got); diff != "" {
		t.Errorf("outcomes of the text and the call (-want +got):\n%s", diff)
	}
	es, err := w.db.AuditEvents(ctx, w.proj.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(es) - 1; i >= 0; i-- {
		if e := es[i]; strings.HasPrefix(e.Kind, "code.") {
			kinds = append(kinds, e.Kind)
		}
	}
	if diff := cmp.Diff([]string{"code.sent", "code.undelivered", "code.sent", "code.fallback"}, kinds); diff != "" {
		t.Errorf("audit events (-want +got):\n%s", diff)
	}
}

// TestSendRefusalWords: a refused send says why in the words the page
// shows, with the numbers of the rules.
func TestSendRefusalWords(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	c, err := w.svc.NewChallenge(ctx, w.user, w.sess, phonegate.PurposeLogin, testPhone, "Apollo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SendCode(ctx, c, phonegate.ChannelSMS, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(7 * time.Second)
	_, err = w.svc.SendCode(ctx, c, phonegate.ChannelCall, "192.0.2.1")
	if got, want := phonegate.ErrorMessage(err), "You can send another code in 23 seconds."; got != want {
		t.Errorf("a send in the cooldown: got %q, want %q", got, want)
	}
	if le, ok := errors.AsType[*phonegate.SendLimitError](err); !ok || le.Reason != phonegate.LimitCooldown {
		t.Errorf("the cause: got %v, want the cooldown's SendLimitError", err)
	}
	if got := phonegate.ErrorCode(err); got != phonegate.ELimited {
		t.Errorf("code: got %q, want %q", got, phonegate.ELimited)
	}
	for range phonegate.MaxChallengeSends - 1 {
		w.now = w.now.Add(phonegate.SendCooldown)
		if _, err := w.svc.SendCode(ctx, c, phonegate.ChannelCall, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	}
	w.now = w.now.Add(phonegate.SendCooldown)
	_, err = w.svc.SendCode(ctx, c, phonegate.ChannelSMS, "192.0.2.1")
	if got, want := phonegate.ErrorMessage(err), "This challenge has used its 5 sends; start again."; got != want {
		t.Errorf("a send past the challenge's sends: got %q, want %q", got, want)
	}
}
