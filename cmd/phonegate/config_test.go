package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rs/zerolog"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig(t *testing.T) {
	twilio := map[string]string{
		"TWILIO_ACCOUNT_SID": "AC0123456789abcdef0123456789abcdef",
		"TWILIO_AUTH_TOKEN":  "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8",
		"TWILIO_FROM":        "+15017122661",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range twilio {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name  string
		env   map[string]string
		check func(t *testing.T, c config)
		bad   bool
	}{
		{name: "dev defaults", env: map[string]string{}, check: func(t *testing.T, c config) {
			if !c.DevMode || c.Addr != "127.0.0.1:8080" || c.DB != "phonegate.db" || c.SecretFile != "phonegate.key" || c.LogJSON {
				t.Errorf("got %+v", c)
			}
		}},
		{name: "dev PORT", env: map[string]string{"PORT": "9000"}, check: func(t *testing.T, c config) {
			if c.Addr != "127.0.0.1:9000" {
				t.Errorf("Addr = %q", c.Addr)
			}
		}},
		{name: "twilio mode listens everywhere, logs json", env: twilio, check: func(t *testing.T, c config) {
			if c.DevMode || c.Addr != ":8080" || !c.LogJSON {
				t.Errorf("got DevMode=%v Addr=%q LogJSON=%v", c.DevMode, c.Addr, c.LogJSON)
			}
		}},
		{name: "key beside the database", env: map[string]string{"PHONEGATE_DB": "/var/lib/pg/data.db"}, check: func(t *testing.T, c config) {
			if c.SecretFile != "/var/lib/pg/phonegate.key" {
				t.Errorf("SecretFile = %q", c.SecretFile)
			}
		}},
		{name: "trusted proxies", env: map[string]string{"PHONEGATE_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.7,::1/128"}, check: func(t *testing.T, c config) {
			got := fmt.Sprint(c.TrustedProxies)
			if want := "[10.0.0.0/8 192.0.2.7/32 ::1/128]"; got != want {
				t.Errorf("TrustedProxies = %s, want %s", got, want)
			}
		}},
		{name: "trusted proxies unset: the default", env: map[string]string{}, check: func(t *testing.T, c config) {
			if c.TrustedProxies != nil {
				t.Errorf("TrustedProxies = %v, want nil", c.TrustedProxies)
			}
		}},
		{name: "bad trusted proxy", env: map[string]string{"PHONEGATE_TRUSTED_PROXIES": "10.0.0.0/33"}, bad: true},
		{name: "countries", env: map[string]string{"PHONEGATE_ALLOWED_COUNTRIES": "us, ca,GB"}, check: func(t *testing.T, c config) {
			if len(c.AllowedCountries) != 3 || c.AllowedCountries[0] != "US" || c.AllowedCountries[2] != "GB" {
				t.Errorf("AllowedCountries = %v", c.AllowedCountries)
			}
		}},
		{name: "log level", env: map[string]string{"LOG_LEVEL": "debug", "LOG_FORMAT": "json"}, check: func(t *testing.T, c config) {
			if c.LogLevel != zerolog.DebugLevel || !c.LogJSON {
				t.Errorf("LogLevel = %v LogJSON = %v", c.LogLevel, c.LogJSON)
			}
		}},
		{name: "PORT=abc", env: map[string]string{"PORT": "abc"}, bad: true},
		{name: "PORT=0", env: map[string]string{"PORT": "0"}, bad: true},
		{name: "PORT=70000", env: map[string]string{"PORT": "70000"}, bad: true},
		{name: "dev mode on a public address", env: map[string]string{"PHONEGATE_ADDR": "0.0.0.0:8080"}, bad: true},
		{name: "addr without port", env: map[string]string{"PHONEGATE_ADDR": "localhost"}, bad: true},
		{name: "relative PUBLIC_URL", env: map[string]string{"PUBLIC_URL": "example.com"}, bad: true},
		{name: "ftp PUBLIC_URL", env: map[string]string{"PUBLIC_URL": "ftp://example.com"}, bad: true},
		{name: "bad country", env: map[string]string{"PHONEGATE_ALLOWED_COUNTRIES": "USA"}, bad: true},
		{name: "bad log format", env: map[string]string{"LOG_FORMAT": "xml"}, bad: true},
		{name: "bad log level", env: map[string]string{"LOG_LEVEL": "loud"}, bad: true},
		{name: "twilio without a sender", env: map[string]string{"TWILIO_ACCOUNT_SID": twilio["TWILIO_ACCOUNT_SID"], "TWILIO_AUTH_TOKEN": "abc"}, bad: true},
		{name: "api key without auth token", env: map[string]string{
			"TWILIO_ACCOUNT_SID": twilio["TWILIO_ACCOUNT_SID"], "TWILIO_API_KEY": "SK0123456789abcdef0123456789abcdef",
			"TWILIO_API_SECRET": "secret", "TWILIO_FROM": "+15017122661"}, bad: true},
		{name: "bad timeout", env: with(map[string]string{"TWILIO_TIMEOUT": "soon"}), bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(env(tt.env))
			if tt.bad {
				var ue usageError
				if !errors.As(err, &ue) {
					t.Fatalf("err = %v, want a usageError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
