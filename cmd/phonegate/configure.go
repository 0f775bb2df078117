package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Paths of the webhooks a Twilio number calls when a text or a call comes
// in. They must match the routes in handlers.
const (
	configureSMSPath   = "/twilio/sms/inbound"
	configureVoicePath = "/twilio/voice/inbound"
)

// configureE164 is an E.164 number: a plus and at most 15 digits.
var configureE164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// runTwilioConfigure runs "phonegate twilio configure": it points the SMS
// and voice webhooks of a number on the Twilio account at this server's
// inbound routes under publicURL, and prints each setting it changed.
//
// args are the arguments after "twilio configure": --number picks the
// number (TWILIO_FROM by default) and --force accepts a publicURL that
// publicURLWarning says Twilio cannot use.
func runTwilioConfigure(ctx context.Context, args []string, cfg twilioConfig, publicURL string, stdout io.Writer) error {
	fs := flag.NewFlagSet("phonegate twilio configure", flag.ContinueOnError)
	fs.SetOutput(stdout)
	number := fs.String("number", cfg.From, "the Twilio `number` to configure, in E.164 form (default TWILIO_FROM)")
	force := fs.Bool("force", false, "configure even when PUBLIC_URL looks unreachable from Twilio")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("twilio configure: unexpected arguments %q", fs.Args())
	}
	if err := cfg.validateCredentials(); err != nil {
		return fmt.Errorf("twilio config: %w", err)
	}
	phone, err := configureNumber(*number)
	if err != nil {
		return err
	}
	base, err := configureBaseURL(publicURL)
	if err != nil {
		return err
	}
	if warning := publicURLWarning(base); warning != "" {
		// Pointing a live number at an address Twilio cannot reach breaks
		// its inbound texts and calls, so that takes an explicit --force.
		if !*force {
			return fmt.Errorf("%s; pass --force to configure the number anyway", warning)
		}
		fmt.Fprintf(stdout, "warning: %s\n", warning)
	}

	api := twilioRESTClient(ctx, cfg, twilioBaseTransport()).Api
	// The PhoneNumber filter also matches partial numbers, so pick the exact
	// one out of what comes back.
	list, err := api.ListIncomingPhoneNumber(&openapi.ListIncomingPhoneNumberParams{PhoneNumber: &phone})
	if err != nil {
		return fmt.Errorf("look up %s on Twilio: %w", phone, configureAPIError(err, cfg))
	}
	var old *openapi.ApiV2010IncomingPhoneNumber
	for i := range list {
		if configureStr(list[i].PhoneNumber) == phone {
			old = &list[i]
			break
		}
	}
	if old == nil || configureStr(old.Sid) == "" {
		return fmt.Errorf("number %s is not on this account (%s)", phone, cfg.AccountSID)
	}
	sid := configureStr(old.Sid)

	params := &openapi.UpdateIncomingPhoneNumberParams{}
	params.SetSmsUrl(base + configureSMSPath)
	params.SetSmsMethod(http.MethodPost)
	params.SetVoiceUrl(base + configureVoicePath)
	params.SetVoiceMethod(http.MethodPost)
	updated, err := api.UpdateIncomingPhoneNumber(sid, params)
	if err != nil {
		return fmt.Errorf("update %s (%s) on Twilio: %w", phone, sid, configureAPIError(err, cfg))
	}

	fmt.Fprintf(stdout, "Configured %s (%s):\n", phone, sid)
	for _, row := range []struct{ name, old, new string }{
		{"SMS URL", configureStr(old.SmsUrl), configureStr(updated.SmsUrl)},
		{"SMS method", configureStr(old.SmsMethod), configureStr(updated.SmsMethod)},
		{"Voice URL", configureStr(old.VoiceUrl), configureStr(updated.VoiceUrl)},
		{"Voice method", configureStr(old.VoiceMethod), configureStr(updated.VoiceMethod)},
	} {
		note := ""
		if row.old == row.new {
			note = " (unchanged)"
		}
		fmt.Fprintf(stdout, "  %-13s %s → %s%s\n", row.name, configureShow(row.old), configureShow(row.new), note)
	}
	// An application (a TwiML app, or a Messaging Service for texts) takes
	// precedence over the URLs. Removing it could break another setup, so
	// say so rather than do it.
	if app := configureStr(updated.SmsApplicationSid); app != "" {
		fmt.Fprintf(stdout, "note: %s handles this number's texts, so Twilio ignores the SMS URL; remove the number from it to receive texts here\n", app)
	}
	if app := configureStr(updated.VoiceApplicationSid); app != "" {
		fmt.Fprintf(stdout, "note: %s handles this number's calls, so Twilio ignores the voice URL; remove it from the number to receive calls here\n", app)
	}
	return nil
}

// configureNumber returns the number to configure in E.164 form, accepting
// the spaces, dashes, dots and parentheses people type.
func configureNumber(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("no number to configure: pass --number or set TWILIO_FROM")
	}
	n := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" -.()", r) {
			return -1
		}
		return r
	}, raw)
	if !configureE164.MatchString(n) {
		return "", fmt.Errorf("number %q is not in E.164 form, like +14155550100", raw)
	}
	return n, nil
}

// configureBaseURL checks the public URL and returns it without a trailing
// slash, ready for the webhook paths to be appended.
func configureBaseURL(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("no public URL: set PUBLIC_URL or start ngrok")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("public URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("public URL %q must be an absolute http or https URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("public URL %q must not have a query or fragment", raw)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// configureAPIError makes a refused login read as one. Other errors from
// twilio-go already carry Twilio's code and message.
func configureAPIError(err error, cfg twilioConfig) error {
	var restErr *client.TwilioRestError
	if errors.As(err, &restErr) && restErr.Code == 20003 {
		who := "auth token"
		if cfg.APIKey != "" {
			who = "API key " + cfg.APIKey
		}
		return fmt.Errorf("twilio refused the %s for account %s: %w", who, cfg.AccountSID, err)
	}
	return err
}

func configureStr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func configureShow(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
