package handlers_test

import (
	"net/http"
	"testing"

	"github.com/phonegate/phonegate"
)

// TestVerifyAPIMaxAttemptsBlocksCreate: after five wrong checks a create
// for the number is 60202 (429), by either channel, until the
// verification expires; then it starts a new verification.
func TestVerifyAPIMaxAttemptsBlocksCreate(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	code := f.sender.lastCode(t)
	for range phonegate.MaxChecks {
		if _, err := f.check(*v.Sid, wrongCode(code)); err != nil {
			t.Fatal(err)
		}
	}
	for _, channel := range []string{"sms", "call"} {
		_, err := f.start(whPhone, channel)
		wantRestError(t, err, http.StatusTooManyRequests, 60202)
	}
	if sms, calls := f.sender.counts(); sms != 1 || calls != 0 {
		t.Errorf("sent %d SMS and %d calls, want only the first SMS", sms, calls)
	}
	f.clock.Add(phonegate.ChallengeLife)
	again := f.mustStart(whPhone, "sms")
	if *again.Sid == *v.Sid || *again.Status != "pending" {
		t.Errorf("create after expiry = %s %s; want a new pending verification", *again.Sid, *again.Status)
	}
}
