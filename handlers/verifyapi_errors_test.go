package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// TestVerifyAPICreateErrors: every refusal of a create, in Verify's
// codes, through twilio-go's client; none sends anything.
func TestVerifyAPICreateErrors(t *testing.T) {
	const (
		landline = "+442079460958"
		invalid  = "+14155550111" // refused by the provider as invalid
		noSMS    = "+14155550112" // refused by the provider: cannot take SMS
		blocked  = "+14155550113" // refused by the provider: no route
	)
	tests := []struct {
		name, to, channel string
		status, code      int
	}{
		{"whatsapp", whPhone, "whatsapp", http.StatusBadRequest, 60200},
		{"email", whPhone, "email", http.StatusBadRequest, 60200},
		{"not a number", "12", "sms", http.StatusBadRequest, 60200},
		{"not E.164", "4155552671", "sms", http.StatusBadRequest, 60200},
		{"no To", "", "sms", http.StatusBadRequest, 60200},
		{"SMS to a landline", landline, "sms", http.StatusBadRequest, 60205},
		{"a country outside the allowlist", "+33612345678", "sms", http.StatusForbidden, 60410},
		{"premium rate", "+449098790000", "call", http.StatusForbidden, 60410},
		{"refused as invalid", invalid, "sms", http.StatusBadRequest, 60200},
		{"refused: cannot take SMS", noSMS, "sms", http.StatusBadRequest, 60205},
		{"refused: no route", blocked, "call", http.StatusForbidden, 60410},
	}
	f := newVerifyFlow(t, func(c *handlers.Config) { c.AllowedCountries = []string{"US", "GB"} })
	f.sender.refuseTo(invalid, sendError(21211, phonegate.ErrInvalidNumber))
	f.sender.refuseTo(noSMS, sendError(21614, phonegate.ErrNoSMS))
	f.sender.refuseTo(blocked, sendError(21215, phonegate.ErrNoRoute))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.start(tt.to, tt.channel)
			wantRestError(t, err, tt.status, tt.code)
		})
	}
	if sms, calls := f.sender.counts(); sms != 0 || calls != 0 {
		t.Errorf("sent %d SMS and %d calls, want none", sms, calls)
	}
	_, err := f.api.CreateVerification("VA"+strings.Repeat("0", 32), new(verify.CreateVerificationParams).SetTo(whPhone).SetChannel("sms"))
	wantRestError(t, err, http.StatusNotFound, 20404)
}

// TestVerifyAPICheckErrors: the refusals of a check, a fetch and an
// update.
func TestVerifyAPICheckErrors(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	unknown := "VE" + strings.Repeat("0", 32)
	tests := []struct {
		name         string
		do           func() error
		status, code int
	}{
		{"check without a code", func() error { _, err := f.check(whPhone, ""); return err }, http.StatusBadRequest, 60200},
		{"check without To or VerificationSid", func() error {
			_, err := f.api.CreateVerificationCheck(f.sid, new(verify.CreateVerificationCheckParams).SetCode("123456"))
			return err
		}, http.StatusBadRequest, 60200},
		{"check of a number without one", func() error { _, err := f.check(whOther, "123456"); return err }, http.StatusNotFound, 20404},
		{"check of an unknown SID", func() error { _, err := f.check(unknown, "123456"); return err }, http.StatusNotFound, 20404},
		{"fetch of an unknown SID", func() error { _, err := f.api.FetchVerification(f.sid, unknown); return err }, http.StatusNotFound, 20404},
		{"fetch of a number without one", func() error { _, err := f.api.FetchVerification(f.sid, whOther); return err }, http.StatusNotFound, 20404},
		{"update to pending", func() error {
			_, err := f.api.UpdateVerification(f.sid, *v.Sid, new(verify.UpdateVerificationParams).SetStatus("pending"))
			return err
		}, http.StatusBadRequest, 60200},
		{"fetch through another service", func() error {
			other, err := f.api.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Gemini"))
			if err != nil {
				return err
			}
			_, err = f.api.FetchVerification(*other.Sid, *v.Sid)
			return err
		}, http.StatusNotFound, 20404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantRestError(t, tt.do(), tt.status, tt.code) })
	}
	if got, err := f.api.FetchVerification(f.sid, *v.Sid); err != nil || *got.Status != "pending" {
		t.Errorf("after the refusals the verification is %v, %v; want pending", got, err)
	}
}

// TestVerifyAPIInbound: a reply NO cancels the pending verification; after
// STOP an SMS is 60223 and a call still goes; a status callback moves the
// verification's delivery as a login's.
func TestVerifyAPIInbound(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	ds := f.deliveries(*v.Sid, 1)
	f.hooks.twilio("/twilio/sms/status?d="+url.QueryEscape(ds[0].ID), whForm(t, "sms-status-delivered", "MessageSid", ds[0].SID))
	if got := f.hooks.delivery(ds[0].ID); got.Status != "delivered" {
		t.Errorf("delivery after the callback = %s, want delivered", got.Status)
	}

	f.hooks.twilio("/twilio/sms/inbound", whForm(t, "sms-inbound", "From", whPhone, "Body", "NO"))
	if got, err := f.api.FetchVerification(f.sid, *v.Sid); err != nil || *got.Status != "canceled" {
		t.Errorf("after NO the verification is %v, %v; want canceled", got, err)
	}
	if es := f.projectAudit(); es[0].Kind != "verification.canceled" {
		t.Errorf("newest audit event = %s, want verification.canceled", es[0].Kind)
	}

	f.hooks.twilio("/twilio/sms/inbound", whForm(t, "sms-inbound", "From", whPhone, "Body", "STOP"))
	_, err := f.start(whPhone, "sms")
	wantRestError(t, err, http.StatusBadRequest, 60223)
	if c := f.mustStart(whPhone, "call"); *c.Status != "pending" || *c.Channel != "call" {
		t.Errorf("call after STOP = %s by %s, want pending by call", *c.Status, *c.Channel)
	}
}

// TestVerifyAPICall: a verification's call is a login's call in the
// service's name: the greeting, the key-press gate, then the code.
func TestVerifyAPICall(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "call")
	d := f.deliveries(*v.Sid, 1)[0]
	_, body := f.hooks.twilio("/twilio/voice?d="+d.ID, whForm(t, "voice", "CallSid", d.SID))
	gate := said(t, body)
	if len(gate) == 0 || gate[0] != "Hello. This is a call with your phonegate verification code for Apollo." {
		t.Errorf("the call begins %q, want the greeting in the service's name", gate)
	}
	_, body = f.hooks.twilio("/twilio/voice/gather?d="+d.ID, whForm(t, "gather-digit", "CallSid", d.SID))
	read := said(t, body)
	if len(read) < 7 || read[0] != "Your code is" {
		t.Fatalf("after the key the call says %q", read)
	}
	if got, err := f.check(whPhone, strings.Join(read[1:7], "")); err != nil || *got.Status != "approved" {
		t.Errorf("check of the code the call read = %v, %v; want approved", got, err)
	}
}
