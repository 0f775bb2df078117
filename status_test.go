package phonegate_test

import (
	"testing"

	"github.com/phonegate/phonegate"
)

func TestDeliveryOutcome(t *testing.T) {
	const sms, call = phonegate.ChannelSMS, phonegate.ChannelCall
	tests := []struct {
		channel, status string
		want            phonegate.Outcome
	}{
		{sms, "accepted", phonegate.OutcomePending},
		{sms, "scheduled", phonegate.OutcomePending},
		{sms, "queued", phonegate.OutcomePending},
		{sms, "sending", phonegate.OutcomePending},
		{sms, "sent", phonegate.OutcomePending},
		{sms, "delivered", phonegate.OutcomeArrived},
		{sms, "read", phonegate.OutcomeArrived},
		{sms, "undelivered", phonegate.OutcomeFailed},
		{sms, "failed", phonegate.OutcomeFailed},
		{sms, "canceled", phonegate.OutcomeFailed}, // the fallback call follows it: it failed, everywhere
		{call, "queued", phonegate.OutcomePending},
		{call, "initiated", phonegate.OutcomePending},
		{call, "ringing", phonegate.OutcomePending},
		{call, "in-progress", phonegate.OutcomeArrived},
		{call, "answered", phonegate.OutcomeArrived},
		{call, "completed", phonegate.OutcomeArrived},
		{call, "busy", phonegate.OutcomeFailed},
		{call, "no-answer", phonegate.OutcomeFailed},
		{call, "failed", phonegate.OutcomeFailed},
		{call, "canceled", phonegate.OutcomeFailed},
		{sms, "", phonegate.OutcomePending},
		{sms, "lost-in-space", phonegate.OutcomePending},
		{"fax", "delivered", phonegate.OutcomePending},
	}
	for _, tt := range tests {
		t.Run(tt.channel+" "+tt.status, func(t *testing.T) {
			if got := phonegate.DeliveryOutcome(tt.channel, tt.status); got != tt.want {
				t.Errorf("DeliveryOutcome(%q, %q) = %d, want %d", tt.channel, tt.status, got, tt.want)
			}
		})
	}
}

// TestDeliveryOutcomeFinal: a status that settles the outcome is final,
// so that no later callback can undo an arrival or a failure.
func TestDeliveryOutcomeFinal(t *testing.T) {
	for _, st := range phonegate.DeliveryStatuses() {
		for _, ch := range []string{phonegate.ChannelSMS, phonegate.ChannelCall} {
			o := phonegate.DeliveryOutcome(ch, st)
			if o == phonegate.OutcomeFailed && !phonegate.DeliveryFinal(st) {
				t.Errorf("%s %q fails but is not final", ch, st)
			}
		}
	}
}
