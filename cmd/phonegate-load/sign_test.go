package main

import (
	"net/url"
	"testing"
)

// The expected signatures were computed with Twilio's official Node.js
// helper library (getExpectedTwilioSignature).
func TestTwilioSignature(t *testing.T) {
	tests := []struct {
		name, token, url string
		form             url.Values
		want             string
	}{
		{
			name:  "twilio docs example",
			token: "12345",
			url:   "https://mycompany.com/myapp.php?foo=1&bar=2",
			form: url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"},
				"From": {"+12349013030"}, "To": {"+18005551212"}},
			want: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=",
		},
		{
			name:  "sms status callback",
			token: "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8",
			url:   "https://7d3e-203-0-113-7.ngrok-free.app/twilio/sms/status?d=dlv_4Qm9s2Xk",
			form: url.Values{"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "ApiVersion": {"2010-04-01"},
				"From": {"+15017122661"}, "MessageSid": {"SM0123456789abcdef0123456789abcdef"},
				"MessageStatus": {"undelivered"}, "ErrorCode": {"30003"}, "SmsSid": {"SM0123456789abcdef0123456789abcdef"},
				"SmsStatus": {"undelivered"}, "To": {"+14155552671"}},
			want: "14u/0ll145A/3TgFYWYFyp0+qQk=",
		},
		{
			name:  "unicode and reserved characters",
			token: "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8",
			url:   "https://phonegate.example.com/twilio/sms/inbound",
			form: url.Values{"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "Body": {"Olá 👋 a+b=c & 100% STOP"},
				"From": {"+351912345678"}, "MessageSid": {"SMfedcba9876543210fedcba9876543210"}, "NumMedia": {"0"},
				"NumSegments": {"1"}, "To": {"+15017122661"}},
			want: "ymPF0Fteuw1IKdif5pEnHL71KGI=",
		},
		{
			name:  "voice webhook on a local port",
			token: "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8",
			url:   "http://localhost:8080/twilio/voice?d=dlv_7Zp1",
			form: url.Values{"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "CallSid": {"CAfedcba9876543210fedcba9876543210"},
				"CallStatus": {"in-progress"}, "Direction": {"outbound-api"}, "From": {"+15017122661"}, "To": {"+14155552671"}},
			want: "oSjaUk93WxvjTk8WGtRZY4D6Y/E=",
		},
		{
			name:  "empty value",
			token: "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8",
			url:   "https://phonegate.example.com/twilio/voice/gather?d=dlv_7Zp1&round=2",
			form: url.Values{"AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "CallSid": {"CAfedcba9876543210fedcba9876543210"},
				"Digits": {"1"}, "FinishedOnKey": {""}, "From": {"+15017122661"}, "To": {"+14155552671"}},
			want: "PgT2IVIsS2/1aJYicKGmqrEwKIQ=",
		},
		{
			name:  "no parameters",
			token: "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8",
			url:   "https://phonegate.example.com/twilio/voice/inbound?x=1",
			form:  url.Values{},
			want:  "UL+LtYrbpNEaL0Ys7oCqx6tCvd8=",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := twilioSignature(tt.token, tt.url, tt.form); got != tt.want {
				t.Errorf("twilioSignature = %q, want %q", got, tt.want)
			}
		})
	}
}
