package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/twilio/twilio-go/client"
	verify "github.com/twilio/twilio-go/rest/verify/v2"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/store/sqlite"
)

// TestVerifyAPIThroughTwilio runs the Verify API with the real twilio-go
// adapter sending through the fake Twilio API, and twilio-go's Verify
// client reaching phonegate through the transport TWILIO_API_URL uses:
// what Twilio refuses a send with becomes Verify's code, and a code that
// went out through Twilio is approved.
func TestVerifyAPIThroughTwilio(t *testing.T) {
	ctx := context.Background()
	fake := newFakeTwilio(t)
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "phonegate.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := phonegate.NewKeys(bytes.Repeat([]byte{4}, phonegate.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := handlers.New(handlers.Config{Store: db, Logger: zerolog.Nop(), Keys: keys,
		Hasher:    phonegate.NewHasher(phonegate.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}),
		PublicURL: "http://127.0.0.1:8080", Sender: twilioTestSender(t, fake.Config()),
		TwilioAuthToken: fakeTwilioAuthToken, FromNumber: "+15005550006"})
	if err != nil {
		t.Fatal(err)
	}
	gate := httptest.NewServer(srv)
	t.Cleanup(gate.Close)
	u, err := db.CreateUser(ctx, "ada@example.com", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateProject(ctx, u.ID, "Apollo", time.Now()); err != nil {
		t.Fatal(err)
	}
	key, err := srv.Service().CreateAPIKeyAsOperator(ctx, "Apollo", "app")
	if err != nil {
		t.Fatal(err)
	}
	api := twilioRESTClient(ctx, twilioConfig{AccountSID: key.AccountSID, APIKey: key.SID, APISecret: key.Secret,
		APIURL: gate.URL}, twilioBaseTransport()).VerifyV2
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
