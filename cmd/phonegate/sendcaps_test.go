package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

func TestDailyCapsConfig(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		sms, calls int
		bad        string // the variable the error names
	}{
		{"defaults", map[string]string{}, 1000, 500, ""},
		{"set", map[string]string{"PHONEGATE_DAILY_SMS": " 250 ", "PHONEGATE_DAILY_CALLS": "40"}, 250, 40, ""},
		{"zero is refused", map[string]string{"PHONEGATE_DAILY_SMS": "0"}, 0, 0, "PHONEGATE_DAILY_SMS"},
		{"negative", map[string]string{"PHONEGATE_DAILY_CALLS": "-5"}, 0, 0, "PHONEGATE_DAILY_CALLS"},
		{"not a number", map[string]string{"PHONEGATE_DAILY_CALLS": "lots"}, 0, 0, "PHONEGATE_DAILY_CALLS"},
		{"a fraction", map[string]string{"PHONEGATE_DAILY_SMS": "1.5"}, 0, 0, "PHONEGATE_DAILY_SMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(env(tt.env))
			if tt.bad != "" {
				var ue usageError
				if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.bad) {
					t.Errorf("err = %v, want a usage error naming %s", err, tt.bad)
				}
				return
			}
			if err != nil || c.DailySMS != tt.sms || c.DailyCalls != tt.calls {
				t.Errorf("got %d SMS, %d calls, err %v; want %d, %d", c.DailySMS, c.DailyCalls, err, tt.sms, tt.calls)
			}
		})
	}
}

// TestCountriesWarning: a server in Twilio mode with no country allowlist
// says at start that it should have one; with one, or in dev mode, it
// says nothing.
func TestCountriesWarning(t *testing.T) {
	fake := newFakeTwilio(t)
	fc := fake.Config()
	for _, tt := range []struct {
		name      string
		countries string
		dev       bool
		warn      bool
	}{
		{"twilio mode, every country", "", false, true},
		{"twilio mode, an allowlist", "US,CA", false, false},
		{"dev mode", "", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vars := map[string]string{
				"PHONEGATE_DB":                filepath.Join(t.TempDir(), "phonegate.db"),
				"PUBLIC_URL":                  "https://gate.example.com",
				"PHONEGATE_ALLOWED_COUNTRIES": tt.countries,
			}
			if !tt.dev {
				vars["TWILIO_ACCOUNT_SID"], vars["TWILIO_AUTH_TOKEN"] = fc.AccountSID, fc.AuthToken
				vars["TWILIO_FROM"], vars["TWILIO_API_URL"] = fc.From, fc.APIURL
			}
			cfg, err := parseConfig(env(vars))
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			_, db, err := openServer(context.Background(), cfg, zerolog.New(&logs))
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			got := strings.Contains(logs.String(), `"level":"warn"`) &&
				strings.Contains(logs.String(), "PHONEGATE_ALLOWED_COUNTRIES is empty")
			if got != tt.warn {
				t.Errorf("warned = %v, want %v:\n%s", got, tt.warn, logs.String())
			}
		})
	}
}
