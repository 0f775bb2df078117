package phonegate_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

const (
	verifyService = "VA0123456789abcdef0123456789abcdef"
	verifyTo      = "+14155550123"
)

// newVerifyWorld is newCodeWorld with the Verify service verifyService
// in its project.
func newVerifyWorld(t *testing.T) *codeWorld {
	t.Helper()
	w := newCodeWorld(t)
	v := phonegate.VerifyService{SID: verifyService, ProjectID: w.proj.ID, FriendlyName: "Apollo", CodeLength: 6,
		CreatedAt: w.now, UpdatedAt: w.now}
	if err := w.db.AddVerifyService(context.Background(), v, "", w.now); err != nil {
		t.Fatal(err)
	}
	return w
}

// verify asks w's service for a verification of verifyTo by channel.
func (w *codeWorld) verify(channel string) (phonegate.Verification, error) {
	return w.svc.StartVerification(context.Background(), phonegate.VerificationRequest{ServiceSID: verifyService,
		ProjectID: w.proj.ID, Name: "Apollo", CodeLength: 6, To: verifyTo, Channel: channel})
}

var smsCode = regexp.MustCompile(`verification code is: ([0-9]+)`)

// lastCode is the code of the newest SMS w's sender sent.
func (w *codeWorld) lastCode(t *testing.T) string {
	t.Helper()
	w.sender.mu.Lock()
	defer w.sender.mu.Unlock()
	if len(w.sender.sms) == 0 {
		t.Fatal("no SMS was sent")
	}
	m := smsCode.FindStringSubmatch(w.sender.sms[len(w.sender.sms)-1].Body)
	if m == nil {
		t.Fatalf("SMS %q carries no code", w.sender.sms[len(w.sender.sms)-1].Body)
	}
	return m[1]
}

// TestStartVerificationReuses: a create for a number with a pending
// verification resends it, same SID and code, by the channel it asks for.
func TestStartVerificationReuses(t *testing.T) {
	w := newVerifyWorld(t)
	v, err := w.verify(phonegate.ChannelSMS)
	if err != nil {
		t.Fatal(err)
	}
	if !phonegate.IsVerificationSID(v.ID) || v.Status != phonegate.VerificationPending || v.Valid() || len(v.Attempts) != 1 {
		t.Fatalf("first create = %s %s, %d attempts; want a pending VE with one", v.ID, v.Status, len(v.Attempts))
	}
	code := w.lastCode(t)
	body := w.sender.sms[0].Body
	if want := "Your Apollo verification code is: " + code + "\n\n@phonegate.example.com #" + code; body != want {
		t.Errorf("SMS = %q, want %q", body, want)
	}
	w.now = w.now.Add(time.Second)
	again, err := w.verify(phonegate.ChannelCall)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != v.ID || again.Channel != phonegate.ChannelCall || len(again.Attempts) != 2 || again.Sends != 2 {
		t.Errorf("second create = %s by %s, %d attempts; want %s by call, 2", again.ID, again.Channel, len(again.Attempts), v.ID)
	}
	if sms, calls := w.sender.counts(); sms != 1 || calls != 1 {
		t.Errorf("sent %d SMS and %d calls, want 1 and 1", sms, calls)
	}
	got, err := w.svc.CheckVerification(context.Background(), verifyService, verifyTo, code)
	if err != nil || got.Status != phonegate.VerificationApproved || !got.Valid() {
		t.Errorf("check with the first code = %s, %v; want approved", got.Status, err)
	}
	for _, e := range auditOf(t, w) {
		if strings.Contains(e.Detail, code) {
			t.Errorf("audit event %s tells the code: %q", e.Kind, e.Detail)
		}
	}
}

// auditOf is the audit log of w's project.
func auditOf(t *testing.T, w *codeWorld) []phonegate.AuditEvent {
	t.Helper()
	es, err := w.db.AuditEvents(context.Background(), w.proj.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestVerificationCodeLength: the code has the service's length.
func TestVerificationCodeLength(t *testing.T) {
	for _, n := range []int{4, 10} {
		w := newVerifyWorld(t)
		if _, err := w.svc.StartVerification(context.Background(), phonegate.VerificationRequest{ServiceSID: verifyService,
			ProjectID: w.proj.ID, Name: "Apollo", CodeLength: n, To: verifyTo, Channel: phonegate.ChannelSMS}); err != nil {
			t.Fatal(err)
		}
		if got := w.lastCode(t); len(got) != n {
			t.Errorf("code %q of a service of length %d", got, n)
		}
	}
}

// TestVerificationSends: five sends, then 60203's refusal.
func TestVerificationSends(t *testing.T) {
	w := newVerifyWorld(t)
	for i := 1; i <= phonegate.MaxChallengeSends+1; i++ {
		_, err := w.verify(phonegate.ChannelSMS)
		var le *phonegate.SendLimitError
		if i <= phonegate.MaxChallengeSends && err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if i > phonegate.MaxChallengeSends && (!errors.As(err, &le) || le.Reason != phonegate.LimitChallenge) {
			t.Fatalf("send %d: %v, want the limit of sends", i, err)
		}
		w.now = w.now.Add(time.Second)
	}
}

// TestVerificationChecks: wrong codes answer pending, the fifth
// max_attempts_reached, and every later check is refused, even the
// right code.
func TestVerificationChecks(t *testing.T) {
	ctx := context.Background()
	w := newVerifyWorld(t)
	v, err := w.verify(phonegate.ChannelSMS)
	if err != nil {
		t.Fatal(err)
	}
	code := w.lastCode(t)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 1; i <= phonegate.MaxChecks; i++ {
		got, err := w.svc.CheckVerification(ctx, verifyService, v.ID, wrong)
		if err != nil || got.Status != phonegate.VerificationPending {
			t.Fatalf("wrong check %d = %s, %v; want pending", i, got.Status, err)
		}
	}
	for _, target := range []string{v.ID, verifyTo} {
		if _, err := w.svc.CheckVerification(ctx, verifyService, target, code); !errors.Is(err, phonegate.ErrVerifyMaxChecks) {
			t.Errorf("right code by %s after 5 wrong ones: %v, want ErrVerifyMaxChecks", target, err)
		}
	}
	if got, _ := w.svc.Verification(ctx, verifyService, v.ID); got.Status != phonegate.VerificationMaxAttempts {
		t.Errorf("status = %s, want max_attempts_reached", got.Status)
	}
}

// TestVerificationExpiry: a code works until 9:59 and not at 10:00; a
// create then makes a new verification.
func TestVerificationExpiry(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		want  error
	}{
		{"at 9:59", phonegate.ChallengeLife - time.Second, nil},
		{"at 10:00", phonegate.ChallengeLife, phonegate.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newVerifyWorld(t)
			v, err := w.verify(phonegate.ChannelSMS)
			if err != nil {
				t.Fatal(err)
			}
			w.now = w.now.Add(tt.after)
			if _, err := w.svc.CheckVerification(context.Background(), verifyService, verifyTo, w.lastCode(t)); !errors.Is(err, tt.want) {
				t.Errorf("check = %v, want %v", err, tt.want)
			}
			if tt.want == nil {
				return
			}
			if got, _ := w.svc.Verification(context.Background(), verifyService, v.ID); got.Status != phonegate.VerificationExpired {
				t.Errorf("status = %s, want expired", got.Status)
			}
			again, err := w.verify(phonegate.ChannelSMS)
			if err != nil || again.ID == v.ID {
				t.Errorf("create after expiry = %s, %v; want a new verification", again.ID, err)
			}
		})
	}
}

// TestVerificationRefusals: what a create refuses, and why.
func TestVerificationRefusals(t *testing.T) {
	tests := []struct {
		name, to, channel string
		want              error
	}{
		{"whatsapp", verifyTo, "whatsapp", phonegate.ErrVerifyChannel},
		{"not a number", "12", phonegate.ChannelSMS, phonegate.ErrPhoneInvalid},
		{"not E.164", "4155550123", phonegate.ChannelSMS, phonegate.ErrPhoneInvalid},
		{"SMS to a landline", "+442079460958", phonegate.ChannelSMS, phonegate.ErrPhoneNotForSMS},
		{"premium rate", "+449098790000", phonegate.ChannelCall, phonegate.ErrPhonePremium},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newVerifyWorld(t)
			_, err := w.svc.StartVerification(context.Background(), phonegate.VerificationRequest{ServiceSID: verifyService,
				ProjectID: w.proj.ID, Name: "Apollo", To: tt.to, Channel: tt.channel})
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	w := newVerifyWorld(t)
	if err := w.db.SetOptOut(context.Background(), verifyTo, true, w.now); err != nil {
		t.Fatal(err)
	}
	if _, err := w.verify(phonegate.ChannelSMS); !errors.Is(err, phonegate.ErrOptedOut) {
		t.Errorf("SMS to an opted-out number: %v, want ErrOptedOut", err)
	}
	if _, err := w.verify(phonegate.ChannelCall); err != nil {
		t.Errorf("call to an opted-out number: %v, want it placed", err)
	}
}

// TestUpdateVerification: canceled and approved end a pending
// verification; after either, checks and updates find nothing.
func TestUpdateVerification(t *testing.T) {
	ctx := context.Background()
	for _, status := range []string{phonegate.VerificationCanceled, phonegate.VerificationApproved} {
		w := newVerifyWorld(t)
		v, err := w.verify(phonegate.ChannelSMS)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.UpdateVerification(ctx, verifyService, v.ID, "pending"); !errors.Is(err, phonegate.ErrVerifyStatus) {
			t.Errorf("update to pending: %v, want ErrVerifyStatus", err)
		}
		got, err := w.svc.UpdateVerification(ctx, verifyService, verifyTo, status)
		if err != nil || got.Status != status || got.ID != v.ID {
			t.Errorf("update to %s = %s %s, %v", status, got.ID, got.Status, err)
		}
		if _, err := w.svc.CheckVerification(ctx, verifyService, v.ID, w.lastCode(t)); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("check after %s: %v, want ErrNotFound", status, err)
		}
		if _, err := w.svc.UpdateVerification(ctx, verifyService, v.ID, status); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("update after %s: %v, want ErrNotFound", status, err)
		}
		if _, err := w.svc.Verification(ctx, "VA"+strings.Repeat("f", 32), v.ID); !errors.Is(err, phonegate.ErrNotFound) {
			t.Errorf("the verification seen from another service: %v, want ErrNotFound", err)
		}
		if es := auditOf(t, w); len(es) == 0 || es[0].Kind != "verification."+status {
			t.Errorf("newest audit event = %+v, want verification.%s", es, status)
		}
	}
}
