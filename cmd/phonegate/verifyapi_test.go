package main

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"testing"

	"github.com/twilio/twilio-go/client"
	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// TestVerifyAPIThroughTwilio runs the Verify API with the real twilio-go
// adapter sending through the fake Twilio API, and twilio-go's Verify
// client reaching phonegate through the transport TWILIO_API_URL uses:
// what Twilio refuses a send with becomes Verify's code, and a code that
// went out through Twilio is approved.
func TestVerifyAPIThroughTwilio(t *testing.T) {
	ctx := context.Background()
	fake := newFakeTwilio(t)
	gate := newVerifyGate(t, fake)
	key := gate.key
	api := twilioRESTClient(ctx, twilioConfig{AccountSID: key.AccountSID, APIKey: key.SID, APISecret: key.Secret,
		APIURL: gate.http.URL}, twilioBaseTransport()).VerifyV2
	svc, err := api.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, to, channel string
		twilioCode        int
		status, code      int
	}{
		{"invalid number (21211)", "+14155550111", "sms", 21211, http.StatusBadRequest, 60200},
		{"not a mobile (21614)", "+14155550112", "sms", 21614, http.StatusBadRequest, 60205},
		{"replied STOP (21610)", "+14155550113", "sms", 21610, http.StatusBadRequest, 60223},
		{"region not enabled (21408)", "+14155550114", "call", 21408, http.StatusForbidden, 60410},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake.FailTo(tt.to, tt.twilioCode)
			_, err := api.CreateVerification(*svc.Sid, new(verify.CreateVerificationParams).SetTo(tt.to).SetChannel(tt.channel))
			var re *client.TwilioRestError
			if !errors.As(err, &re) || re.Status != tt.status || re.Code != tt.code {
				t.Errorf("create = %v, want %d with %d", err, tt.status, tt.code)
			}
		})
	}

	const to = "+14155552671"
	v, err := api.CreateVerification(*svc.Sid, new(verify.CreateVerificationParams).SetTo(to).SetChannel("sms"))
	if err != nil {
		t.Fatal(err)
	}
	ms := fake.Messages()
	if len(ms) != 1 || ms[0].Form.Get("To") != to {
		t.Fatalf("messages through Twilio = %v, want one to %s", ms, to)
	}
	m := regexp.MustCompile(`^Your Apollo verification code is: ([0-9]{6})\n`).FindStringSubmatch(ms[0].Form.Get("Body"))
	if m == nil {
		t.Fatalf("SMS body %q", ms[0].Form.Get("Body"))
	}
	got, err := api.CreateVerificationCheck(*svc.Sid, new(verify.CreateVerificationCheckParams).SetVerificationSid(*v.Sid).SetCode(m[1]))
	if err != nil || *got.Status != "approved" || !*got.Valid {
		t.Errorf("check = %+v, %v; want approved", got, err)
	}
}
