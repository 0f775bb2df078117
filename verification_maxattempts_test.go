package phonegate_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// TestVerificationMaxAttemptsBlocksCreate: after MaxChecks wrong codes the
// number waits, as Verify documents for 60202, until its verification
// expires: a create is refused until 9:59 and makes a new verification at
// 10:00.
func TestVerificationMaxAttemptsBlocksCreate(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		want  error
	}{
		{"at once", 0, phonegate.ErrVerifyMaxChecks},
		{"at 9:59", phonegate.ChallengeLife - time.Second, phonegate.ErrVerifyMaxChecks},
		{"at 10:00", phonegate.ChallengeLife, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newVerifyWorld(t)
			v, err := w.verify(phonegate.ChannelSMS)
			if err != nil {
				t.Fatal(err)
			}
			wrong := wrongOf(w.lastCode(t))
			for range phonegate.MaxChecks {
				if _, err := w.svc.CheckVerification(context.Background(), verifyService, v.ID, wrong); err != nil {
					t.Fatal(err)
				}
			}
			sends, _ := w.sender.counts()
			w.now = w.now.Add(tt.after)
			got, err := w.verify(phonegate.ChannelCall)
			if !errors.Is(err, tt.want) {
				t.Fatalf("create = %v, want %v", err, tt.want)
			}
			if tt.want != nil {
				if e, ok := errors.AsType[*phonegate.Error](err); !ok || e.Code != phonegate.ELimited {
					t.Errorf("refusal = %#v, want an *Error of ELimited", err)
				}
				if now, calls := w.sender.counts(); now != sends || calls != 0 {
					t.Errorf("a refused create sent: %d SMS (was %d), %d calls", now, sends, calls)
				}
				return
			}
			if got.ID == v.ID || got.Status != phonegate.VerificationPending {
				t.Errorf("create at 10:00 = %s %s; want a new pending verification", got.ID, got.Status)
			}
		})
	}
}

// wrongOf is a code of code's length that is not code.
func wrongOf(code string) string {
	if code[0] == '0' {
		return "1" + code[1:]
	}
	return "0" + code[1:]
}
