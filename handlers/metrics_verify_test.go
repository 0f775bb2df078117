package handlers_test

import (
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate/metrics"
)

// TestMetricsVerifications: through the Verify API, a create counts one
// verification created, a resend none more, and an approval by a right
// code or by an update one approved; a wrong code counts nothing.
func TestMetricsVerifications(t *testing.T) {
	m := metrics.New()
	f := newVerifyFlow(t, withMetrics(m))
	first := f.mustStart(whPhone, "sms")
	f.mustStart(whPhone, "sms") // the pending one again: a resend
	if _, err := f.check(*first.Sid, wrongCode(f.sender.lastCode(t))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.check(*first.Sid, f.sender.lastCode(t)); err != nil {
		t.Fatal(err)
	}
	second := f.mustStart(whOther, "call")
	f.mustStart("+14155550199", "sms")
	if _, err := f.api.UpdateVerification(f.sid, *second.Sid, new(verify.UpdateVerificationParams).SetStatus("approved")); err != nil {
		t.Fatal(err)
	}
	text := scrape(t, m)
	tests := []struct {
		name, labels string
		want         float64
	}{
		{"phonegate_verifications_created_total", `channel="sms"`, 2},
		{"phonegate_verifications_created_total", `channel="call"`, 1},
		{"phonegate_verifications_approved_total", `channel="sms"`, 1},
		{"phonegate_verifications_approved_total", `channel="call"`, 1},
	}
	for _, tt := range tests {
		if got := figure(t, text, tt.name, tt.labels); got != tt.want {
			t.Errorf("%s{%s}: got %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
}
