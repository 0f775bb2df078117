package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
)

// TestVerifyAPIVerification drives one verification with twilio-go's
// client: create by SMS, the fields twilio-go decodes, a resend by call
// that reuses it, fetch by SID and by To, a wrong code, the right one,
// and the 404 after.
func TestVerifyAPIVerification(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	if !phonegate.IsVerificationSID(*v.Sid) || *v.ServiceSid != f.sid || *v.AccountSid != f.key.AccountSID {
		t.Errorf("sid, service_sid, account_sid = %s, %s, %s", *v.Sid, *v.ServiceSid, *v.AccountSid)
	}
	if *v.To != whPhone || *v.Channel != "sms" || *v.Status != "pending" || *v.Valid {
		t.Errorf("to, channel, status, valid = %s, %s, %s, %v; want a pending SMS", *v.To, *v.Channel, *v.Status, *v.Valid)
	}
	if v.DateCreated == nil || !v.DateCreated.Equal(testStart) || v.DateUpdated == nil || v.Lookup == nil {
		t.Errorf("date_created = %v, date_updated = %v, lookup = %v", v.DateCreated, v.DateUpdated, v.Lookup)
	}
	if want := whPublic + "/v2/Services/" + f.sid + "/Verifications/" + *v.Sid; *v.Url != want {
		t.Errorf("url = %s, want %s", *v.Url, want)
	}
	attempts := *v.SendCodeAttempts
	first, _ := attempts[0].(map[string]any)
	if len(attempts) != 1 || !strings.HasPrefix(first["attempt_sid"].(string), "VL") || first["channel"] != "sms" {
		t.Errorf("send_code_attempts = %v, want one SMS attempt", attempts)
	}
	code := f.sender.lastCode(t)
	if body := f.sender.sms[0].Body; body != "Your Apollo verification code is: "+code+"\n\n@phonegate.example.com #"+code {
		t.Errorf("SMS = %q", body)
	}

	f.clock.Add(5 * time.Second)
	again := f.mustStart(whPhone, "call")
	if *again.Sid != *v.Sid || *again.Channel != "call" || len(*again.SendCodeAttempts) != 2 {
		t.Errorf("resend by call = %s by %s with %d attempts; want %s by call with 2", *again.Sid, *again.Channel,
			len(*again.SendCodeAttempts), *v.Sid)
	}
	if sms, calls := f.sender.counts(); sms != 1 || calls != 1 {
		t.Errorf("sent %d SMS and %d calls, want one of each", sms, calls)
	}

	for _, key := range []string{*v.Sid, whPhone} {
		got, err := f.api.FetchVerification(f.sid, key)
		if err != nil || *got.Sid != *v.Sid || *got.Status != "pending" {
			t.Errorf("fetch by %s = %+v, %v", key, got, err)
		}
	}
	wrong, err := f.check(whPhone, wrongCode(code))
	if err != nil || *wrong.Status != "pending" || *wrong.Valid {
		t.Fatalf("wrong code = %+v, %v; want pending", wrong, err)
	}
	right, err := f.check(*v.Sid, code)
	if err != nil || *right.Status != "approved" || !*right.Valid || *right.Sid != *v.Sid || *right.To != whPhone {
		t.Fatalf("right code = %+v, %v; want approved and valid", right, err)
	}
	_, err = f.check(whPhone, code)
	wantRestError(t, err, http.StatusNotFound, 20404)
	if got, err := f.api.FetchVerification(f.sid, *v.Sid); err != nil || *got.Status != "approved" || !*got.Valid {
		t.Errorf("fetch after approval = %+v, %v", got, err)
	}

	var kinds []string
	for _, e := range f.projectAudit() {
		if strings.HasPrefix(e.Kind, "verification.") {
			kinds = append(kinds, e.Kind)
		}
		if strings.Contains(e.Detail, code) {
			t.Errorf("audit event %s tells the code: %q", e.Kind, e.Detail)
		}
	}
	want := "verification.checked verification.checked verification.resent verification.created"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("audit = %s, want %s", got, want)
	}
}

// TestVerifyAPILimits: the sixth send is 60203, and after five wrong
// checks the right code is 60202.
func TestVerifyAPILimits(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	for range phonegate.MaxChallengeSends - 1 {
		f.mustStart(whPhone, "call")
	}
	_, err := f.start(whPhone, "sms")
	wantRestError(t, err, http.StatusTooManyRequests, 60203)

	code := f.sender.lastCode(t)
	for i := 1; i <= phonegate.MaxChecks; i++ {
		got, err := f.check(*v.Sid, wrongCode(code))
		if err != nil || *got.Status != "pending" || *got.Valid {
			t.Fatalf("wrong check %d = %v, %v; want pending", i, got, err)
		}
	}
	_, err = f.check(whPhone, code)
	wantRestError(t, err, http.StatusTooManyRequests, 60202)
	if got, err := f.api.FetchVerification(f.sid, *v.Sid); err != nil || *got.Status != "max_attempts_reached" {
		t.Errorf("fetch = %v, %v; want max_attempts_reached", got, err)
	}
}

// TestVerifyAPIExpiry: the code works for ten minutes; then the check is
// 404, and a create starts a new verification.
func TestVerifyAPIExpiry(t *testing.T) {
	f := newVerifyFlow(t)
	v := f.mustStart(whPhone, "sms")
	code := f.sender.lastCode(t)
	f.clock.Add(phonegate.ChallengeLife)
	_, err := f.check(whPhone, code)
	wantRestError(t, err, http.StatusNotFound, 20404)
	if got, err := f.api.FetchVerification(f.sid, *v.Sid); err != nil || *got.Status != "expired" {
		t.Errorf("fetch = %v, %v; want expired", got, err)
	}
	if again := f.mustStart(whPhone, "sms"); *again.Sid == *v.Sid {
		t.Error("a create after expiry reused the expired verification")
	}
}

// TestVerifyAPIUpdate: Status canceled or approved ends a pending
// verification, by SID or by To; after, checks and updates are 404.
func TestVerifyAPIUpdate(t *testing.T) {
	f := newVerifyFlow(t)
	tests := []struct {
		status, to string
		byTo       bool
	}{
		{"canceled", whPhone, false},
		{"approved", whOther, true},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			v := f.mustStart(tt.to, "sms")
			key := *v.Sid
			if tt.byTo {
				key = tt.to
			}
			got, err := f.api.UpdateVerification(f.sid, key, new(verify.UpdateVerificationParams).SetStatus(tt.status))
			if err != nil || *got.Status != tt.status || *got.Sid != *v.Sid {
				t.Fatalf("update = %v, %v; want %s", got, err, tt.status)
			}
			_, err = f.check(*v.Sid, f.sender.lastCode(t))
			wantRestError(t, err, http.StatusNotFound, 20404)
			_, err = f.api.UpdateVerification(f.sid, *v.Sid, new(verify.UpdateVerificationParams).SetStatus(tt.status))
			wantRestError(t, err, http.StatusNotFound, 20404)
			if es := f.projectAudit(); es[0].Kind != "verification."+tt.status {
				t.Errorf("newest audit event = %s, want verification.%s", es[0].Kind, tt.status)
			}
		})
	}
}

// TestVerifyAPIConcurrentChecks: of 50 concurrent checks with the right
// code, exactly one is approved; the others find nothing to check.
func TestVerifyAPIConcurrentChecks(t *testing.T) {
	f := newVerifyFlow(t)
	f.mustStart(whPhone, "sms")
	code := f.sender.lastCode(t)
	const n = 50
	results := make(chan error, n)
	approved := make(chan bool, n)
	for range n {
		go func() {
			got, err := f.check(whPhone, code)
			approved <- err == nil && *got.Status == "approved"
			results <- err
		}()
	}
	wins := 0
	for range n {
		if <-approved {
			wins++
		}
		if err := <-results; err != nil {
			if re := restError(t, err); re.Code != 20404 {
				t.Errorf("a losing check = %d %d, want 404 with 20404", re.Status, re.Code)
			}
		}
	}
	if wins != 1 {
		t.Errorf("%d of %d concurrent right checks were approved, want exactly 1", wins, n)
	}
}

// TestVerifyAPIDevPhone: in dev mode the dev phone takes a verification's
// SMS and call, as it takes a login's.
func TestVerifyAPIDevPhone(t *testing.T) {
	v := newVerifyAPI(t)
	s, err := v.client.VerifyV2.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, channel := range []string{"sms", "call"} {
		if _, err := v.client.VerifyV2.CreateVerification(*s.Sid,
			new(verify.CreateVerificationParams).SetTo(whPhone).SetChannel(channel)); err != nil {
			t.Fatalf("create by %s: %v", channel, err)
		}
	}
	es, err := v.db.DevPhoneEntries(context.Background(), 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("dev phone entries = %d, %v; want 2", len(es), err)
	}
	if es[0].Kind != phonegate.ChannelCall || es[1].Kind != phonegate.ChannelSMS ||
		es[1].Body == "" || es[1].To != whPhone || es[0].To != whPhone {
		t.Errorf("dev phone = %+v, want the SMS then the call to %s", es, whPhone)
	}
}

// TestVerifyAPICustomFriendlyName: a create's CustomFriendlyName is the
// name its SMS says, under the service name's rules.
func TestVerifyAPICustomFriendlyName(t *testing.T) {
	f := newVerifyFlow(t)
	if _, err := f.api.CreateVerification(f.sid, new(verify.CreateVerificationParams).SetTo(whPhone).SetChannel("sms").
		SetCustomFriendlyName("Apollo Pay")); err != nil {
		t.Fatal(err)
	}
	if body := f.sender.sms[0].Body; !strings.HasPrefix(body, "Your Apollo Pay verification code is: ") {
		t.Errorf("SMS = %q, want it in the custom name", body)
	}
	_, err := f.api.CreateVerification(f.sid, new(verify.CreateVerificationParams).SetTo(whOther).SetChannel("sms").
		SetCustomFriendlyName("https://evil.example"))
	wantRestError(t, err, http.StatusBadRequest, 60200)
	if sms, _ := f.sender.counts(); sms != 1 {
		t.Errorf("%d SMS sent, want only the first", sms)
	}
}
