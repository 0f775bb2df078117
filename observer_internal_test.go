package phonegate

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorCodeLabel(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{{0, "none"}, {-1, "none"}, {30003, "30003"}, {21610, "21610"}, {39999, "other"}, {1, "other"}}
	for _, tt := range tests {
		if got := ErrorCodeLabel(tt.code); got != tt.want {
			t.Errorf("ErrorCodeLabel(%d): got %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestSendOutcome(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, SendSent},
		{refused(ELimited, "wait", &SendLimitError{Reason: LimitCooldown}), SendLimited},
		{refused(EConflict, msgOptedOut, ErrOptedOut), SendRefused},
		{refused(EConflict, msgEnded, ErrChallengeEnded), SendRefused},
		{refused(EConflict, msgOptedOut, &SendError{Code: 21610, Reason: ErrOptedOut}), SendRefused},
		{refused(EUnavailable, msgSendFailed, &SendError{Code: 30008, Reason: ErrSendFailed}), SendFailed},
		{fmt.Errorf("store: %w", errors.New("disk full")), SendFailed},
	}
	for _, tt := range tests {
		if got := sendOutcome(tt.err); got != tt.want {
			t.Errorf("sendOutcome(%v): got %q, want %q", tt.err, got, tt.want)
		}
	}
}
