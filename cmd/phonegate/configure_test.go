package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunTwilioConfigure(t *testing.T) {
	const public = "https://gate.example.com"
	tests := []struct {
		name       string
		args       []string
		publicURL  string
		number     string // the number that should change
		app        string // its SMS application SID, if any
		wantStdout string
	}{
		{
			name:      "TWILIO_FROM by default",
			publicURL: public,
			number:    "+15005550006",
			wantStdout: `Configured +15005550006 (PN00000000000000000000000000000002):
  SMS URL       https://demo.twilio.com/welcome/sms/reply → https://gate.example.com/twilio/sms/inbound
  SMS method    GET → POST
  Voice URL     (none) → https://gate.example.com/twilio/voice/inbound
  Voice method  POST → POST (unchanged)
`,
		},
		{
			name:      "number given, typed loosely",
			args:      []string{"--number", "+1 (500) 555-0007"},
			publicURL: public + "/",
			number:    "+15005550007",
			wantStdout: `Configured +15005550007 (PN00000000000000000000000000000003):
  SMS URL       (none) → https://gate.example.com/twilio/sms/inbound
  SMS method    POST → POST (unchanged)
  Voice URL     (none) → https://gate.example.com/twilio/voice/inbound
  Voice method  POST → POST (unchanged)
`,
		},
		{
			name:      "unreachable URL forced",
			args:      []string{"-force"},
			publicURL: "http://localhost:8080",
			number:    "+15005550006",
			wantStdout: `warning: PUBLIC_URL http://localhost:8080 will not work with Twilio: localhost is this machine, which Twilio cannot reach from the internet; it is http, not https, so webhooks and logins would travel unencrypted (run ngrok, or put the server behind a public https address)
Configured +15005550006 (PN00000000000000000000000000000002):
  SMS URL       https://demo.twilio.com/welcome/sms/reply → http://localhost:8080/twilio/sms/inbound
  SMS method    GET → POST
  Voice URL     (none) → http://localhost:8080/twilio/voice/inbound
  Voice method  POST → POST (unchanged)
`,
		},
		{
			name:      "application takes precedence",
			publicURL: public,
			number:    "+15005550006",
			app:       "MG00000000000000000000000000000001",
			wantStdout: `Configured +15005550006 (PN00000000000000000000000000000002):
  SMS URL       https://demo.twilio.com/welcome/sms/reply → https://gate.example.com/twilio/sms/inbound
  SMS method    GET → POST
  Voice URL     (none) → https://gate.example.com/twilio/voice/inbound
  Voice method  POST → POST (unchanged)
note: MG00000000000000000000000000000001 handles this number's texts, so Twilio ignores the SMS URL; remove the number from it to receive texts here
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTwilio(t)
			numbers := []fakeTwilioNumber{
				// Listed first for "+15005550006", as Twilio's partial
				// filter matches it too.
				{PhoneNumber: "+150055500061", SMSMethod: "POST", VoiceMethod: "POST"},
				{PhoneNumber: "+15005550006", SMSURL: "https://demo.twilio.com/welcome/sms/reply", SMSMethod: "GET", VoiceMethod: "POST", SMSApplicationSID: tt.app},
				{PhoneNumber: "+15005550007", SMSMethod: "POST", VoiceMethod: "POST"},
			}
			before := map[string]fakeTwilioNumber{}
			for _, n := range numbers {
				sid := f.AddNumber(n)
				before[sid], _ = f.Number(sid)
			}
			var stdout bytes.Buffer

			err := runTwilioConfigure(t.Context(), tt.args, f.Config(), tt.publicURL, &stdout)
			if err != nil {
				t.Fatalf("runTwilioConfigure: %v", err)
			}
			if diff := cmp.Diff(tt.wantStdout, stdout.String()); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			base := strings.TrimSuffix(tt.publicURL, "/")
			for sid, want := range before {
				if want.PhoneNumber == tt.number {
					want.SMSURL, want.SMSMethod = base+"/twilio/sms/inbound", "POST"
					want.VoiceURL, want.VoiceMethod = base+"/twilio/voice/inbound", "POST"
				}
				got, _ := f.Number(sid)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("number %s after configure (-want +got):\n%s", want.PhoneNumber, diff)
				}
			}
		})
	}
}

func TestRunTwilioConfigureErrors(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		edit      func(*twilioConfig)
		publicURL string
		wantErr   string
	}{
		{name: "number not on account", args: []string{"--number", "+14155550100"}, wantErr: "number +14155550100 is not on this account (" + fakeTwilioAccountSID + ")"},
		{name: "partial match only", args: []string{"--number", "+1500555000"}, wantErr: "number +1500555000 is not on this account"},
		{name: "no number", edit: func(c *twilioConfig) { c.From = "" }, wantErr: "no number to configure: pass --number or set TWILIO_FROM"},
		{name: "not E.164", args: []string{"--number", "5005550006"}, wantErr: `number "5005550006" is not in E.164 form`},
		{name: "no public URL", publicURL: "-", wantErr: "no public URL: set PUBLIC_URL or start ngrok"},
		{name: "relative public URL", publicURL: "gate.example.com", wantErr: "must be an absolute http or https URL"},
		{name: "unreachable public URL", publicURL: "https://192.168.1.20:8080", wantErr: "192.168.1.20 is a private network address, which Twilio cannot reach from the internet (run ngrok, or put the server behind a public https address); pass --force"},
		{name: "wrong auth token", edit: func(c *twilioConfig) { c.AuthToken = "wrongtoken0000000000000000000001" }, wantErr: "twilio refused the auth token for account " + fakeTwilioAccountSID},
		{name: "bad credentials config", edit: func(c *twilioConfig) { c.AuthToken = "" }, wantErr: "twilio config: TWILIO_AUTH_TOKEN"},
		{name: "stray argument", args: []string{"+15005550006"}, wantErr: `unexpected arguments ["+15005550006"]`},
		{name: "unknown flag", args: []string{"--numbr", "+15005550006"}, wantErr: "flag provided but not defined: -numbr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeTwilio(t)
			f.AddNumber(fakeTwilioNumber{PhoneNumber: "+15005550006", SMSMethod: "POST", VoiceMethod: "POST"})
			cfg := f.Config()
			if tt.edit != nil {
				tt.edit(&cfg)
			}
			publicURL := "https://gate.example.com"
			switch tt.publicURL {
			case "":
			case "-":
				publicURL = ""
			default:
				publicURL = tt.publicURL
			}
			var stdout bytes.Buffer

			err := runTwilioConfigure(t.Context(), tt.args, cfg, publicURL, &stdout)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("runTwilioConfigure error = %v, want one containing %q", err, tt.wantErr)
			}
			if strings.Contains(stdout.String(), fakeTwilioAuthToken) || (err != nil && strings.Contains(err.Error(), fakeTwilioAuthToken)) {
				t.Error("output carries the auth token")
			}
			if n, _ := f.Number("PN00000000000000000000000000000001"); n.SMSURL != "" || n.VoiceURL != "" {
				t.Errorf("number changed to SMS URL %q, voice URL %q; want it untouched", n.SMSURL, n.VoiceURL)
			}
		})
	}
}

func TestRunTwilioConfigureHelp(t *testing.T) {
	f := newFakeTwilio(t)
	var stdout bytes.Buffer
	err := runTwilioConfigure(t.Context(), []string{"-h"}, f.Config(), "https://gate.example.com", &stdout)
	if !errors.Is(err, flag.ErrHelp) {
		t.Errorf("runTwilioConfigure -h error = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(stdout.String(), "-number") {
		t.Errorf("help output %q does not describe -number", stdout.String())
	}
	if got := f.Requests(); len(got) != 0 {
		t.Errorf("requests to Twilio = %q, want none", got)
	}
}
