package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// twilioTestSender returns a sender for cfg and fails the test if cfg is
// refused.
func twilioTestSender(t *testing.T, cfg twilioConfig) *twilioSender {
	t.Helper()
	s, err := newTwilioSender(cfg)
	if err != nil {
		t.Fatalf("newTwilioSender(%v): %v", cfg, err)
	}
	return s
}

func TestTwilioSenderSendSMS(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(*twilioConfig)
		sms      phonegate.SMS
		wantForm url.Values
	}{
		{
			name: "from number",
			sms:  phonegate.SMS{To: "+14155550100", Body: "Your code is 123456", StatusCallback: "https://gate.example.com/twilio/sms/status?d=abc"},
			wantForm: url.Values{
				"To":             {"+14155550100"},
				"From":           {"+15005550006"},
				"Body":           {"Your code is 123456"},
				"StatusCallback": {"https://gate.example.com/twilio/sms/status?d=abc"},
			},
		},
		{
			name: "messaging service only",
			edit: func(c *twilioConfig) { c.From, c.MessagingServiceSID = "", "MG00000000000000000000000000000001" },
			sms:  phonegate.SMS{To: "+14155550100", Body: "Your code is 123456", StatusCallback: "https://gate.example.com/twilio/sms/status?d=abc"},
			wantForm: url.Values{
				"To":                  {"+14155550100"},
				"MessagingServiceSid": {"MG00000000000000000000000000000001"},
				"Body":                {"Your code is 123456"},
				"StatusCallback":      {"https://gate.example.com/twilio/sms/status?d=abc"},
			},
		},
		{
			name: "messaging service wins over number",
			edit: func(c *twilioConfig) { c.MessagingServiceSID = "MG00000000000000000000000000000001" },
			sms:  phonegate.SMS{To: "+14155550100", Body: "Your code is 123456"},
			wantForm: url.Values{
				"To":                  {"+14155550100"},
				"MessagingServiceSid": {"MG00000000000000000000000000000001"},
				"Body":                {"Your code is 123456"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTwilio(t)
			cfg := f.Config()
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			s := twilioTestSender(t, cfg)

			sid, err := s.SendSMS(t.Context(), tt.sms)
			if err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			want := []fakeTwilioRequest{{SID: sid, User: fakeTwilioAccountSID, Form: tt.wantForm}}
			if diff := cmp.Diff(want, f.Messages()); diff != "" {
				t.Errorf("messages the fake got (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(sid, "SM") {
				t.Errorf("SendSMS returned SID %q, want one starting with SM", sid)
			}
		})
	}
}

func TestTwilioSenderPlaceCall(t *testing.T) {
	tests := []struct {
		name     string
		call     phonegate.Call
		wantForm url.Values
	}{
		{
			name: "all parameters",
			call: phonegate.Call{
				To:             "+14155550100",
				URL:            "https://gate.example.com/twilio/voice?d=abc",
				StatusCallback: "https://gate.example.com/twilio/voice/status?d=abc",
				Timeout:        25,
			},
			wantForm: url.Values{
				"To":                   {"+14155550100"},
				"From":                 {"+15005550006"},
				"Url":                  {"https://gate.example.com/twilio/voice?d=abc"},
				"Method":               {"POST"},
				"StatusCallback":       {"https://gate.example.com/twilio/voice/status?d=abc"},
				"StatusCallbackMethod": {"POST"},
				"StatusCallbackEvent":  {"initiated", "ringing", "answered", "completed"},
				"Timeout":              {"25"},
			},
		},
		{
			name: "Twilio's default timeout",
			call: phonegate.Call{To: "+14155550100", URL: "https://gate.example.com/twilio/voice?d=abc"},
			wantForm: url.Values{
				"To":     {"+14155550100"},
				"From":   {"+15005550006"},
				"Url":    {"https://gate.example.com/twilio/voice?d=abc"},
				"Method": {"POST"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTwilio(t)
			s := twilioTestSender(t, f.Config())

			sid, err := s.PlaceCall(t.Context(), tt.call)
			if err != nil {
				t.Fatalf("PlaceCall: %v", err)
			}
			want := []fakeTwilioRequest{{SID: sid, User: fakeTwilioAccountSID, Form: tt.wantForm}}
			if diff := cmp.Diff(want, f.Calls()); diff != "" {
				t.Errorf("calls the fake got (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(sid, "CA") {
				t.Errorf("PlaceCall returned SID %q, want one starting with CA", sid)
			}
		})
	}
}

func TestTwilioSenderPlaceCallNeedsFrom(t *testing.T) {
	f := newFakeTwilio(t)
	cfg := f.Config()
	cfg.From, cfg.MessagingServiceSID = "", "MG00000000000000000000000000000001"
	s := twilioTestSender(t, cfg)

	_, err := s.PlaceCall(t.Context(), phonegate.Call{To: "+14155550100", URL: "https://gate.example.com/twilio/voice"})
	if !errors.Is(err, phonegate.ErrSendFailed) {
		t.Errorf("PlaceCall error = %v, want ErrSendFailed", err)
	}
	if err == nil || !strings.Contains(err.Error(), "TWILIO_FROM") {
		t.Errorf("PlaceCall error = %v, want it to name TWILIO_FROM", err)
	}
	if got := f.Requests(); len(got) != 0 {
		t.Errorf("requests to Twilio = %q, want none", got)
	}
}

func TestTwilioSenderAuth(t *testing.T) {
	const key, secret = "SK00000000000000000000000000000001", "keysecret0000000000000000000001"
	tests := []struct {
		name     string
		edit     func(*twilioConfig)
		wantUser string
	}{
		{
			name:     "auth token",
			wantUser: fakeTwilioAccountSID,
		},
		{
			name:     "API key instead of auth token",
			edit:     func(c *twilioConfig) { c.AuthToken, c.APIKey, c.APISecret = "", key, secret },
			wantUser: key,
		},
		{
			name:     "API key preferred over auth token",
			edit:     func(c *twilioConfig) { c.APIKey, c.APISecret = key, secret },
			wantUser: key,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTwilio(t)
			f.AllowUser(key, secret)
			cfg := f.Config()
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			s := twilioTestSender(t, cfg)

			if _, err := s.SendSMS(t.Context(), phonegate.SMS{To: "+14155550100", Body: "x"}); err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			if _, err := s.PlaceCall(t.Context(), phonegate.Call{To: "+14155550100", URL: "https://gate.example.com/twilio/voice"}); err != nil {
				t.Fatalf("PlaceCall: %v", err)
			}
			var got []string
			for _, r := range append(f.Messages(), f.Calls()...) {
				got = append(got, r.User)
			}
			if diff := cmp.Diff([]string{tt.wantUser, tt.wantUser}, got); diff != "" {
				t.Errorf("basic-auth users (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTwilioSenderErrors(t *testing.T) {
	tests := []struct {
		code       int
		wantReason error
	}{
		{21610, phonegate.ErrOptedOut},
		{21211, phonegate.ErrInvalidNumber},
		{21614, phonegate.ErrNoSMS},
		{21408, phonegate.ErrNoRoute},
		{21612, phonegate.ErrNoRoute},
		{20003, phonegate.ErrCredentials},
		{21606, phonegate.ErrSendFailed}, // a code we don't map
	}
	sends := map[string]func(context.Context, *twilioSender, string) error{
		"sms": func(ctx context.Context, s *twilioSender, to string) error {
			_, err := s.SendSMS(ctx, phonegate.SMS{To: to, Body: "Your code is 123456"})
			return err
		},
		"call": func(ctx context.Context, s *twilioSender, to string) error {
			_, err := s.PlaceCall(ctx, phonegate.Call{To: to, URL: "https://gate.example.com/twilio/voice"})
			return err
		},
	}
	for _, tt := range tests {
		for channel, send := range sends {
			t.Run(fmt.Sprintf("%s/%d", channel, tt.code), func(t *testing.T) {
				f := newFakeTwilio(t)
				f.FailTo("+14155550199", tt.code)
				s := twilioTestSender(t, f.Config())

				err := send(t.Context(), s, "+14155550199")
				var sendErr *phonegate.SendError
				if !errors.As(err, &sendErr) {
					t.Fatalf("error = %v (%T), want a *phonegate.SendError", err, err)
				}
				if !errors.Is(err, tt.wantReason) {
					t.Errorf("error = %v, want reason %v", err, tt.wantReason)
				}
				if sendErr.Code != tt.code {
					t.Errorf("SendError.Code = %d, want %d", sendErr.Code, tt.code)
				}
				if sendErr.Detail == "" {
					t.Error("SendError.Detail is empty, want Twilio's message")
				}
			})
		}
	}
}

func TestTwilioSenderWrongCredentials(t *testing.T) {
	f := newFakeTwilio(t)
	cfg := f.Config()
	cfg.AuthToken = "wrongtoken000000000000000000001"
	s := twilioTestSender(t, cfg)

	_, err := s.SendSMS(t.Context(), phonegate.SMS{To: "+14155550100", Body: "x"})
	if !errors.Is(err, phonegate.ErrCredentials) {
		t.Errorf("SendSMS error = %v, want ErrCredentials", err)
	}
	var sendErr *phonegate.SendError
	if errors.As(err, &sendErr) && sendErr.Code != 20003 {
		t.Errorf("SendError.Code = %d, want 20003", sendErr.Code)
	}
	if err != nil && strings.Contains(fmt.Sprintf("%v %+v", err, sendErr), cfg.AuthToken) {
		t.Errorf("error %q carries the auth token", err)
	}
}

func TestTwilioSenderNetworkFailures(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()

	tests := []struct {
		name    string
		timeout time.Duration // the sender's
		ctx     time.Duration // the caller's deadline, 0 for none
		hang    bool
		apiURL  string // "" for the fake
	}{
		{name: "server hangs past the timeout", timeout: 200 * time.Millisecond, hang: true},
		{name: "caller gives up first", timeout: 10 * time.Second, ctx: 200 * time.Millisecond, hang: true},
		{name: "server down", timeout: time.Second, apiURL: down.URL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTwilio(t)
			if tt.hang {
				f.Hang()
			}
			cfg := f.Config()
			cfg.Timeout = tt.timeout
			if tt.apiURL != "" {
				cfg.APIURL = tt.apiURL
			}
			s := twilioTestSender(t, cfg)
			ctx := t.Context()
			if tt.ctx != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
			}

			start := time.Now()
			_, err := s.SendSMS(ctx, phonegate.SMS{To: "+14155550100", Body: "x"})
			elapsed := time.Since(start)

			if !errors.Is(err, phonegate.ErrSendFailed) {
				t.Errorf("SendSMS error = %v, want ErrSendFailed", err)
			}
			var sendErr *phonegate.SendError
			if errors.As(err, &sendErr) && sendErr.Code != 0 {
				t.Errorf("SendError.Code = %d, want 0", sendErr.Code)
			}
			// Generous against slow race-detector runs, far below the
			// 10 s default.
			if elapsed > 3*time.Second {
				t.Errorf("SendSMS took %v, want it bounded by the timeout", elapsed)
			}
		})
	}
}

func TestTwilioSenderReachesAPIURL(t *testing.T) {
	tests := []struct {
		name string
		edge string // TWILIO_EDGE, which twilio-go turns into another host
	}{
		{name: "default host"},
		{name: "edge host", edge: "sydney"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TWILIO_EDGE", tt.edge)
			f := newFakeTwilio(t)
			s := twilioTestSender(t, f.Config())

			if _, err := s.SendSMS(t.Context(), phonegate.SMS{To: "+14155550100", Body: "x"}); err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			if _, err := s.PlaceCall(t.Context(), phonegate.Call{To: "+14155550100", URL: "https://gate.example.com/twilio/voice"}); err != nil {
				t.Fatalf("PlaceCall: %v", err)
			}
			want := []string{
				"POST /2010-04-01/Accounts/" + fakeTwilioAccountSID + "/Messages.json",
				"POST /2010-04-01/Accounts/" + fakeTwilioAccountSID + "/Calls.json",
			}
			if diff := cmp.Diff(want, f.Requests()); diff != "" {
				t.Errorf("requests the fake got (-want +got):\n%s", diff)
			}
		})
	}
}

// twilioRoundTripFunc is an http.RoundTripper made of a function.
type twilioRoundTripFunc func(*http.Request) (*http.Response, error)

func (f twilioRoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTwilioTransport(t *testing.T) {
	const in = "https://api.twilio.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550100"
	tests := []struct {
		name   string
		apiURL string
		want   string
	}{
		{name: "no API URL", want: in},
		{name: "host only", apiURL: "http://127.0.0.1:4010", want: "http://127.0.0.1:4010/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550100"},
		{name: "https host", apiURL: "https://mock.example.com", want: "https://mock.example.com/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550100"},
		{name: "path prefix", apiURL: "http://mock:8080/twilio", want: "http://mock:8080/twilio/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550100"},
		{name: "path prefix with slash", apiURL: "http://mock:8080/twilio/", want: "http://mock:8080/twilio/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			apiURL, err := twilioParseAPIURL(tt.apiURL)
			if err != nil {
				t.Fatal(err)
			}
			type ctxKey struct{}
			ctx := context.WithValue(t.Context(), ctxKey{}, "call")
			var gotURL, gotHost string
			var gotCtx any
			tr := &twilioTransport{ctx: ctx, apiURL: apiURL, base: twilioRoundTripFunc(func(r *http.Request) (*http.Response, error) {
				gotURL, gotHost, gotCtx = r.URL.String(), r.Host, r.Context().Value(ctxKey{})
				return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
			})}
			req, err := http.NewRequest(http.MethodGet, in, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			resp.Body.Close()

			if gotURL != tt.want {
				t.Errorf("request went to %s, want %s", gotURL, tt.want)
			}
			if want, _ := url.Parse(tt.want); gotHost != "" && gotHost != want.Host {
				t.Errorf("Host header = %q, want %q", gotHost, want.Host)
			}
			if gotCtx != "call" {
				t.Error("request does not carry the call's context")
			}
			if req.URL.String() != in {
				t.Errorf("RoundTrip changed the caller's request to %s", req.URL)
			}
		})
	}
}

func TestNewTwilioSenderRejectsBadConfig(t *testing.T) {
	const token = "secrettoken00000000000000000001"
	tests := []struct {
		name    string
		edit    func(*twilioConfig)
		wantErr string
	}{
		{name: "no account SID", edit: func(c *twilioConfig) { c.AccountSID = "" }, wantErr: "TWILIO_ACCOUNT_SID is not set"},
		{name: "not an account SID", edit: func(c *twilioConfig) { c.AccountSID = "SK123" }, wantErr: "TWILIO_ACCOUNT_SID must be"},
		{name: "no token or key", edit: func(c *twilioConfig) { c.AuthToken = "" }, wantErr: "TWILIO_AUTH_TOKEN (or TWILIO_API_KEY"},
		{name: "token with a space", edit: func(c *twilioConfig) { c.AuthToken = token + " " }, wantErr: "TWILIO_AUTH_TOKEN must be letters and digits"},
		{name: "key without secret", edit: func(c *twilioConfig) { c.APIKey = "SK1" }, wantErr: "must be set together"},
		{name: "secret without key", edit: func(c *twilioConfig) { c.APISecret = token }, wantErr: "must be set together"},
		{name: "not an API key", edit: func(c *twilioConfig) { c.APIKey, c.APISecret = "AC1", token }, wantErr: "TWILIO_API_KEY must be"},
		{name: "no sender", edit: func(c *twilioConfig) { c.From = "" }, wantErr: "neither TWILIO_FROM nor TWILIO_MESSAGING_SERVICE_SID"},
		{name: "not a messaging service", edit: func(c *twilioConfig) { c.MessagingServiceSID = "PN1" }, wantErr: "TWILIO_MESSAGING_SERVICE_SID must be"},
		{name: "API URL without scheme", edit: func(c *twilioConfig) { c.APIURL = "localhost:4010" }, wantErr: "scheme must be http or https"},
		{name: "API URL without host", edit: func(c *twilioConfig) { c.APIURL = "http:///x" }, wantErr: "has no host"},
		{name: "API URL with query", edit: func(c *twilioConfig) { c.APIURL = "http://mock?x=1" }, wantErr: "only scheme, host and path"},
		{name: "negative timeout", edit: func(c *twilioConfig) { c.Timeout = -time.Second }, wantErr: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := twilioConfig{
				AccountSID: fakeTwilioAccountSID,
				AuthToken:  token,
				From:       "+15005550006",
			}
			tt.edit(&cfg)
			s, err := newTwilioSender(cfg)
			if err == nil {
				t.Fatalf("newTwilioSender(%v) = %v, want an error", cfg, s)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error %q carries the auth token", err)
			}
		})
	}
}

func TestNewTwilioSenderDefaults(t *testing.T) {
	s := twilioTestSender(t, twilioConfig{AccountSID: fakeTwilioAccountSID, AuthToken: fakeTwilioAuthToken, From: "+15005550006"})
	if s.cfg.Timeout != twilioDefaultTimeout {
		t.Errorf("timeout = %v, want %v", s.cfg.Timeout, twilioDefaultTimeout)
	}
}

func TestTwilioConfigHidesSecrets(t *testing.T) {
	cfg := twilioConfig{
		AccountSID: fakeTwilioAccountSID,
		AuthToken:  "authtokensecret",
		APIKey:     "SK1",
		APISecret:  "apikeysecret",
		From:       "+15005550006",
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		fmt.Sprint(cfg),
		fmt.Sprintf("%+v", cfg),
		fmt.Sprintf("%#v", cfg),
		fmt.Sprintf("%v", &cfg),
		string(js),
	} {
		if strings.Contains(out, "authtokensecret") || strings.Contains(out, "apikeysecret") {
			t.Errorf("formatted config %q carries a secret", out)
		}
		if !strings.Contains(out, fakeTwilioAccountSID) {
			t.Errorf("formatted config %q lacks the account SID", out)
		}
	}
}
