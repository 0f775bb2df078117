// Package twilio answers Twilio's six webhooks (the TwiML that speaks a
// code, the key press, inbound calls, inbound SMS and the two status
// callbacks), each behind the signature check, and holds the one Twilio
// signer that the check and the dev phone share. It calls the domain
// service and writes TwiML through package twiml.
package twilio

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/twiml"
)

// Config is what the webhooks need. New checks it.
type Config struct {
	Service   *phonegate.Service
	Logger    zerolog.Logger
	PublicURL string // the URL Twilio signs each request against
	AuthToken string // checks X-Twilio-Signature
	Voice     string // <Say> voice; "" for twiml.DefaultVoice
	// VoiceLanguage is the <Say> language; "" for twiml.DefaultLanguage.
	VoiceLanguage string
	// SignatureFailed hears each webhook refused for its signature, by
	// route pattern, for the operator's figures; nil for none.
	SignatureFailed func(route string)
}

// Webhooks serves Twilio's webhooks.
type Webhooks struct {
	cfg  Config
	svc  *phonegate.Service
	log  zerolog.Logger
	base string // the public URL, computed once: every webhook signs against it
	// gather is the public URL of the voice gather up to the delivery ID,
	// which every code call's Gather action starts with.
	gather string

	refused func(route string) // Config.SignatureFailed, never nil
}

// New checks cfg and returns the webhooks.
func New(cfg Config) (*Webhooks, error) {
	if cfg.Service == nil || cfg.AuthToken == "" {
		return nil, errors.New("twilio: Config.Service and Config.AuthToken are required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("twilio: Config.PublicURL must be an absolute http or https URL")
	}
	if cfg.Voice == "" {
		cfg.Voice = twiml.DefaultVoice
	}
	if cfg.VoiceLanguage == "" {
		cfg.VoiceLanguage = twiml.DefaultLanguage
	}
	refused := cfg.SignatureFailed
	if refused == nil {
		refused = func(string) {}
	}
	s := &Webhooks{cfg: cfg, svc: cfg.Service, log: cfg.Logger, base: u.String(), refused: refused}
	s.gather = s.publicURL("/twilio/voice/gather?d=")
	return s, nil
}

// publicURL returns the absolute URL of path on this server.
func (s *Webhooks) publicURL(path string) string { return s.base + path }

// requestURL returns the public URL of a request for u, the URL Twilio
// signed: the same string as s.publicURL(u.RequestURI()), which builds it
// twice, in one allocation for a path and query as Twilio requests them.
func (s *Webhooks) requestURL(u *url.URL) string {
	path := u.EscapedPath()
	switch {
	case u.Opaque != "" || path == "":
		return s.publicURL(u.RequestURI())
	case u.RawQuery == "" && !u.ForceQuery:
		return s.base + path
	default:
		return s.base + path + "?" + u.RawQuery
	}
}

// Routes returns Twilio's webhooks (DESIGN §4), each behind the signature
// check.
func (s *Webhooks) Routes() []httpx.Route {
	var out []httpx.Route
	for _, rt := range []struct {
		path string
		h    handler
	}{
		{"/twilio/voice", s.voice},
		{"/twilio/voice/gather", s.voiceGather},
		{"/twilio/voice/status", s.voiceStatus},
		{"/twilio/voice/inbound", s.voiceInbound},
		{"/twilio/sms/status", s.smsStatus},
		{"/twilio/sms/inbound", s.smsInbound},
	} {
		out = append(out, httpx.Route{Method: http.MethodPost, Path: rt.path, Access: "twilio", Handler: s.Signed(rt.path, rt.h)})
	}
	return out
}
