package handlers_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// The fuzz targets post signed requests with any query and body to each
// webhook route through the real handler. The property: never a 5xx (a
// panic is a 500 too), and TwiML answers are text/xml. In a query, {sms}
// and {call} stand for the IDs of live deliveries, so that the corpus
// reaches past "unknown delivery".

func FuzzVoiceWebhook(f *testing.F) {
	fuzzWebhook(f, "/twilio/voice", "d={call}", "voice")
}

func FuzzGatherWebhook(f *testing.F) {
	fuzzWebhook(f, "/twilio/voice/gather", "d={call}&r=2", "gather-digit")
}

func FuzzVoiceStatusWebhook(f *testing.F) {
	fuzzWebhook(f, "/twilio/voice/status", "d={call}", "call-status-completed")
}

func FuzzSMSStatusWebhook(f *testing.F) {
	fuzzWebhook(f, "/twilio/sms/status", "d={sms}", "sms-status-undelivered")
}

func FuzzSMSInboundWebhook(f *testing.F) {
	fuzzWebhook(f, "/twilio/sms/inbound", "", "sms-inbound")
}

func FuzzVoiceInboundWebhook(f *testing.F) {
	fuzzWebhook(f, "/twilio/voice/inbound", "", "voice-inbound")
}

func fuzzWebhook(f *testing.F, path, query, form string) {
	f.Add(query, whForm(f, form).Encode())
	f.Add(query, "")
	f.Add("d=nope", "Digits=1&CallStatus=busy&MessageStatus=failed&ErrorCode=-1")
	srv, ids := newFuzzServer(f)
	xmlRoute := !strings.Contains(path, "status")
	f.Fuzz(func(t *testing.T, query, body string) {
		query = strings.NewReplacer("{sms}", ids["sms"], "{call}", ids["call"]).Replace(query)
		params, _ := url.ParseQuery(body)
		// The query is set raw, past what a request line could carry, so
		// that the handlers see any query at all.
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.URL.RawQuery = query
		req.RequestURI = req.URL.RequestURI()
		target := req.RequestURI
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Twilio-Signature", twilioSign(whToken, whPublic+req.URL.RequestURI(), params))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("POST %s with %q: status %d\n%s", target, body, rec.Code, rec.Body)
		}
		if xmlRoute && rec.Code == http.StatusOK && rec.Header().Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Fatalf("POST %s: 200 with Content-Type %q", target, rec.Header().Get("Content-Type"))
		}
	})
}

// newFuzzServer is a server outside dev mode, with a pending challenge
// that has an SMS and a call delivery; it returns their IDs by channel.
func newFuzzServer(f *testing.F) (*handlers.Server, map[string]string) {
	f.Helper()
	ctx := context.Background()
	srv, db := newTestServer(f, func(c *handlers.Config) {
		c.DevMode = false
		c.PublicURL = whPublic
		c.Sender = &recordingSender{}
		c.TwilioAuthToken = whToken
	})
	now := testStart // the server's clock stands still
	keys := testKeys(f)
	u, err := db.CreateUser(ctx, "fuzz@example.com", "", now)
	if err != nil {
		f.Fatal(err)
	}
	c := phonegate.Challenge{ID: "fuzz", UserID: u.ID, SessionHash: []byte("fuzz"), Purpose: phonegate.PurposeLogin,
		Label: "Fuzz", Phone: whPhone, CodeMAC: keys.CodeMAC("fuzz", whCode), CodeSealed: keys.Seal("fuzz", whCode),
		ReplyMAC: keys.ReplyMAC(whPhone, "K7Q4M"), CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}
	if err := db.CreateChallenge(ctx, c); err != nil {
		f.Fatal(err)
	}
	ids := map[string]string{}
	for _, channel := range []string{"sms", "call"} {
		d, err := db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: channel, To: c.Phone, Now: now, Automatic: true})
		if err != nil {
			f.Fatal(err)
		}
		ids[channel] = d.ID
	}
	return srv, ids
}
