package main

import (
	"strconv"
	"strings"

	"github.com/phonegate/phonegate"
)

// dailyCaps reads PHONEGATE_DAILY_SMS and PHONEGATE_DAILY_CALLS, the
// global caps of codes sent per UTC day by each channel. Unset means the
// defaults (1000 text messages, 500 calls). A value must be a whole number
// of at least 1: 0 would either stop every code or lift the cap, and
// either is better said on purpose (a large number lifts it in practice),
// so 0 is refused like any bad value.
func dailyCaps(getenv func(string) string) (sms, calls int, err error) {
	sms, err = dailyCap(getenv, "PHONEGATE_DAILY_SMS", phonegate.DefaultDailySMS)
	if err != nil {
		return 0, 0, err
	}
	calls, err = dailyCap(getenv, "PHONEGATE_DAILY_CALLS", phonegate.DefaultDailyCalls)
	return sms, calls, err
}

func dailyCap(getenv func(string) string, name string, def int) (int, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, usagef("%s must be a whole number of at least 1 (codes per UTC day), got %q", name, v)
	}
	return n, nil
}

// countriesWarning is the start-up warning of a server that sends real
// codes to every country: SMS pumping pays for numbers in the countries
// of the highest rates, so production should list only the countries its
// users are in.
func countriesWarning(cfg config) string {
	if cfg.DevMode || len(cfg.AllowedCountries) > 0 {
		return ""
	}
	return "PHONEGATE_ALLOWED_COUNTRIES is empty: codes may be sent to numbers of every country; " +
		"set it to the countries your users are in (e.g. US,CA,GB) to limit SMS pumping"
}
