package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// nodeOutcome is what one step of the Node.js app answered: its value, or
// Twilio's error as twilio-node's RestException read it.
type nodeOutcome struct {
	Value json.RawMessage `json:"value"`
	Error *struct {
		Status   int    `json:"status"`
		Code     int    `json:"code"`
		Message  string `json:"message"`
		MoreInfo string `json:"more_info"`
	} `json:"error"`
}

// nodeVerification is a verification, or a check, as twilio-node decoded it.
type nodeVerification struct {
	SID        string `json:"sid"`
	ServiceSID string `json:"service_sid"`
	AccountSID string `json:"account_sid"`
	To         string `json:"to"`
	Channel    string `json:"channel"`
	Status     string `json:"status"`
	Valid      bool   `json:"valid"`
	Attempts   int    `json:"attempts"`
	Dates      bool   `json:"dates"` // date_created and date_updated decoded into Dates
	URL        string `json:"url"`
}

// nodeService is a service as twilio-node decoded it.
type nodeService struct {
	SID          string `json:"sid"`
	AccountSID   string `json:"account_sid"`
	FriendlyName string `json:"friendly_name"`
	CodeLength   int    `json:"code_length"`
	Dates        bool   `json:"dates"`
	URL          string `json:"url"`
}

var sentCode = regexp.MustCompile(`verification code is: ([0-9]+)`)

// codesHandler answers GET ?to=N with the code of the newest SMS the fake
// Twilio took for N: what the app's user would type.
func codesHandler(fake *fakeTwilio) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ms := fake.Messages()
		for i := len(ms) - 1; i >= 0; i-- {
			if m := sentCode.FindStringSubmatch(ms[i].Form.Get("Body")); m != nil && ms[i].Form.Get("To") == r.URL.Query().Get("to") {
				fmt.Fprint(w, m[1])
				return
			}
		}
		http.NotFound(w, r)
	})
}

// TestVerifyAPIThroughTwilioNode runs an app on Twilio's Node.js helper
// library (the twilio npm package, pinned by testdata/verify-node's lock
// file), unchanged but for its Verify domain's baseUrl and credentials,
// through its whole verify story against phonegate with the fake Twilio
// API behind it, and judges what twilio-node made of every answer.
func TestVerifyAPIThroughTwilioNode(t *testing.T) {
	nodeTool(t, "node")
	fake := newFakeTwilio(t)
	gate := newVerifyGate(t, fake)
	codes := httptest.NewServer(codesHandler(fake))
	t.Cleanup(codes.Close)
	api := twilioRESTClient(context.Background(), twilioConfig{AccountSID: gate.key.AccountSID, APIKey: gate.key.SID,
		APISecret: gate.key.Secret, APIURL: gate.http.URL}, twilioBaseTransport()).VerifyV2
	svc, err := api.CreateService(new(verify.CreateServiceParams).SetFriendlyName("Apollo"))
	if err != nil {
		t.Fatal(err)
	}
	numbers := []string{"+14155552671", "+14155552672", "+14155552673", "+14155552674", "+14155552675", "+14155552676"}
	out := runVerifyNodeApp(t, "PHONEGATE_URL="+gate.http.URL, "PHONEGATE_ACCOUNT_SID="+gate.key.AccountSID,
		"PHONEGATE_KEY_SID="+gate.key.SID, "PHONEGATE_KEY_SECRET="+gate.key.Secret, "PHONEGATE_SERVICE_SID="+*svc.Sid,
		"PHONEGATE_NUMBERS="+strings.Join(numbers, ","), "PHONEGATE_CODES_URL="+codes.URL)
	var steps map[string]nodeOutcome
	if err := json.Unmarshal(out, &steps); err != nil {
		t.Fatalf("app printed %q: %v", out, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the app printed: %s", out)
		}
	})
	nv := nodeSteps{t: t, steps: steps, gate: gate.http.URL, service: *svc.Sid, account: gate.key.AccountSID}

	t.Run("services", func(t *testing.T) { nv.checkServices(t) })
	t.Run("verifications", func(t *testing.T) { nv.checkVerifications(t, numbers) })
	t.Run("errors", func(t *testing.T) { nv.checkErrors(t) })
	t.Run("custom name", func(t *testing.T) {
		ms := fake.Messages()
		if body := ms[len(ms)-1].Form.Get("Body"); ms[len(ms)-1].Form.Get("To") != numbers[5] ||
			!strings.HasPrefix(body, "Your Billing verification code is: ") {
			t.Errorf("last SMS = %q to %s, want Billing's to %s", body, ms[len(ms)-1].Form.Get("To"), numbers[5])
		}
	})
	t.Run("concurrent checks", func(t *testing.T) {
		var got []string
		nv.value(t, "concurrent checks", &got)
		if n := slices.Index(got, "approved"); n < 0 || slices.Index(got[n+1:], "approved") >= 0 || len(got) != 10 {
			t.Errorf("10 concurrent right checks = %v, want exactly one approved", got)
		}
		for _, g := range got {
			if g != "approved" && g != "404 20404" {
				t.Errorf("a concurrent check answered %q, want approved or 404 20404", g)
			}
		}
	})
}
