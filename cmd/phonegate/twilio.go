package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go"
	"github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/phonegate/phonegate"
)

// twilioDefaultTimeout bounds one REST call when the config sets none. It is
// well under the 15 s Twilio gives our webhooks, so a send started from a
// webhook still answers in time.
const twilioDefaultTimeout = 10 * time.Second

// twilioConfig is what the server needs to talk to Twilio's REST API. It
// mirrors the TWILIO_* environment variables.
type twilioConfig struct {
	AccountSID          string        // TWILIO_ACCOUNT_SID, "AC…"
	AuthToken           string        // TWILIO_AUTH_TOKEN; not needed with an API key
	APIKey              string        // TWILIO_API_KEY, "SK…"; used instead of the auth token when set
	APISecret           string        // TWILIO_API_SECRET
	From                string        // TWILIO_FROM, E.164; required for calls
	MessagingServiceSID string        // TWILIO_MESSAGING_SERVICE_SID, "MG…"; sends SMS instead of From
	APIURL              string        // TWILIO_API_URL; empty means Twilio's own hosts
	Timeout             time.Duration // per REST call; 0 means twilioDefaultTimeout
}

// validateCredentials checks the fields every REST call needs. Messages name
// the environment variables because that is where the user fixes them.
func (c twilioConfig) validateCredentials() error {
	if c.AccountSID == "" {
		return errors.New("TWILIO_ACCOUNT_SID is not set")
	}
	if !twilioIsSID(c.AccountSID, "AC") {
		return errors.New(`TWILIO_ACCOUNT_SID must be an account SID ("AC" followed by letters and digits)`)
	}
	switch {
	case c.APIKey != "" || c.APISecret != "":
		if c.APIKey == "" || c.APISecret == "" {
			return errors.New("TWILIO_API_KEY and TWILIO_API_SECRET must be set together")
		}
		if !twilioIsSID(c.APIKey, "SK") {
			return errors.New(`TWILIO_API_KEY must be an API key SID ("SK" followed by letters and digits)`)
		}
		// twilio-go refuses anything else before sending, with an error
		// that would read like a failed send.
		if !twilioIsAlnum(c.APISecret) {
			return errors.New("TWILIO_API_SECRET must be letters and digits only")
		}
	case c.AuthToken == "":
		return errors.New("TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET) is not set")
	case !twilioIsAlnum(c.AuthToken):
		return errors.New("TWILIO_AUTH_TOKEN must be letters and digits only")
	}
	if c.Timeout < 0 {
		return fmt.Errorf("twilio timeout %v is negative", c.Timeout)
	}
	if c.APIURL != "" {
		if _, err := twilioParseAPIURL(c.APIURL); err != nil {
			return err
		}
	}
	return nil
}

// validate checks everything a sender needs: credentials and who sends.
func (c twilioConfig) validate() error {
	if err := c.validateCredentials(); err != nil {
		return err
	}
	if c.From == "" && c.MessagingServiceSID == "" {
		return errors.New("neither TWILIO_FROM nor TWILIO_MESSAGING_SERVICE_SID is set")
	}
	if c.MessagingServiceSID != "" && !twilioIsSID(c.MessagingServiceSID, "MG") {
		return errors.New(`TWILIO_MESSAGING_SERVICE_SID must be a Messaging Service SID ("MG" followed by letters and digits)`)
	}
	return nil
}

// redacted returns a copy of c with the secrets replaced, so that a config
// printed or logged by mistake never carries them.
func (c twilioConfig) redacted() twilioConfig {
	if c.AuthToken != "" {
		c.AuthToken = "[redacted]"
	}
	if c.APISecret != "" {
		c.APISecret = "[redacted]"
	}
	return c
}

// String formats c without its secrets.
func (c twilioConfig) String() string {
	type plain twilioConfig // drops the methods, so no recursion
	return fmt.Sprintf("%+v", plain(c.redacted()))
}

// GoString formats c for %#v without its secrets.
func (c twilioConfig) GoString() string { return c.String() }

// MarshalJSON encodes c without its secrets, for loggers that marshal
// whatever they are given.
func (c twilioConfig) MarshalJSON() ([]byte, error) {
	type plain twilioConfig
	return json.Marshal(plain(c.redacted()))
}

// twilioSender is the phonegate.Sender that goes through Twilio's REST API
// with twilio-go.
type twilioSender struct {
	cfg twilioConfig
	// transport is shared by every call so that connections to Twilio are
	// reused; each call wraps it to carry its own context.
	transport http.RoundTripper
}

var _ phonegate.Sender = (*twilioSender)(nil)

// newTwilioSender checks cfg and returns a sender that uses it.
func newTwilioSender(cfg twilioConfig) (*twilioSender, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("twilio config: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = twilioDefaultTimeout
	}
	return &twilioSender{cfg: cfg, transport: twilioBaseTransport()}, nil
}

// SendSMS sends m through the Messages API and returns the message SID.
func (s *twilioSender) SendSMS(ctx context.Context, m phonegate.SMS) (string, error) {
	params := &openapi.CreateMessageParams{}
	params.SetTo(m.To)
	params.SetBody(m.Body)
	if m.StatusCallback != "" {
		params.SetStatusCallback(m.StatusCallback)
	}
	// A Messaging Service picks the sender itself (and handles opt-outs and
	// geographic matching), so it wins over a fixed number when both are set.
	if s.cfg.MessagingServiceSID != "" {
		params.SetMessagingServiceSid(s.cfg.MessagingServiceSID)
	} else {
		params.SetFrom(s.cfg.From)
	}
	msg, err := twilioRESTClient(ctx, s.cfg, s.transport).Api.CreateMessage(params)
	if err != nil {
		return "", twilioSendError(err)
	}
	if msg.Sid == nil || *msg.Sid == "" {
		return "", &phonegate.SendError{Reason: phonegate.ErrSendFailed, Detail: "twilio answered without a message SID"}
	}
	return *msg.Sid, nil
}

// PlaceCall starts c through the Calls API and returns the call SID. Twilio
// fetches c.URL with POST when the call is answered and reports progress to
// c.StatusCallback.
func (s *twilioSender) PlaceCall(ctx context.Context, c phonegate.Call) (string, error) {
	if s.cfg.From == "" {
		// A Messaging Service cannot place calls; say so rather than let
		// Twilio answer with a generic missing-parameter error.
		return "", fmt.Errorf("place call: TWILIO_FROM is not set, and a Messaging Service cannot place calls: %w",
			&phonegate.SendError{Reason: phonegate.ErrSendFailed, Detail: "no TWILIO_FROM number to call from"})
	}
	params := &openapi.CreateCallParams{}
	params.SetTo(c.To)
	params.SetFrom(s.cfg.From)
	params.SetUrl(c.URL)
	params.SetMethod(http.MethodPost)
	if c.StatusCallback != "" {
		params.SetStatusCallback(c.StatusCallback)
		params.SetStatusCallbackMethod(http.MethodPost)
		params.SetStatusCallbackEvent([]string{"initiated", "ringing", "answered", "completed"})
	}
	if c.Timeout > 0 {
		params.SetTimeout(c.Timeout)
	}
	call, err := twilioRESTClient(ctx, s.cfg, s.transport).Api.CreateCall(params)
	if err != nil {
		return "", twilioSendError(err)
	}
	if call.Sid == nil || *call.Sid == "" {
		return "", &phonegate.SendError{Reason: phonegate.ErrSendFailed, Detail: "twilio answered without a call SID"}
	}
	return *call.Sid, nil
}

// twilioReasons maps Twilio error codes to the reasons handlers explain to
// the user. See https://www.twilio.com/docs/api/errors.
var twilioReasons = map[int]error{
	20003: phonegate.ErrCredentials,   // authentication failed
	21211: phonegate.ErrInvalidNumber, // invalid 'To' phone number
	21408: phonegate.ErrNoRoute,       // region not enabled (geo permissions)
	21610: phonegate.ErrOptedOut,      // recipient replied STOP
	21612: phonegate.ErrNoRoute,       // 'To' not reachable from 'From'
	21614: phonegate.ErrNoSMS,         // 'To' is not a mobile number
}

// twilioSendError turns an error from twilio-go into a *phonegate.SendError.
// Network errors and timeouts have no Twilio code and become ErrSendFailed.
func twilioSendError(err error) *phonegate.SendError {
	code, detail := 0, err.Error()
	var restErr *client.TwilioRestError
	var restErrV1 *client.RestErrorV1
	switch {
	case errors.As(err, &restErr):
		code, detail = restErr.Code, restErr.Message
	case errors.As(err, &restErrV1):
		code, detail = restErrV1.Code, restErrV1.Message
	}
	reason, ok := twilioReasons[code]
	if !ok {
		reason = phonegate.ErrSendFailed
	}
	return &phonegate.SendError{Code: code, Reason: reason, Detail: detail}
}

// twilioRESTClient returns a twilio-go client for one call made under ctx.
//
// twilio-go builds its requests with context.Background(), so the only way
// to let ctx cancel a call is a transport that puts ctx back on the request.
// The client is cheap to build; the transport underneath, which holds the
// connections, is shared.
func twilioRESTClient(ctx context.Context, cfg twilioConfig, base http.RoundTripper) *twilio.RestClient {
	username, password := cfg.AccountSID, cfg.AuthToken
	if cfg.APIKey != "" {
		username, password = cfg.APIKey, cfg.APISecret
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = twilioDefaultTimeout
	}
	// validateCredentials has already parsed APIURL.
	apiURL, _ := twilioParseAPIURL(cfg.APIURL)
	c := &client.Client{
		Credentials: client.NewCredentials(username, password),
		HTTPClient: &http.Client{
			Transport: &twilioTransport{ctx: ctx, apiURL: apiURL, base: base},
			Timeout:   timeout,
			// As twilio-go's own default: report a redirect, don't follow
			// it with the credentials to wherever it points.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	// With a Client given, twilio-go ignores ClientParams' Username,
	// Password and AccountSid: the client must carry them itself.
	c.SetAccountSid(cfg.AccountSID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

// twilioBaseTransport returns the transport under every REST call.
func twilioBaseTransport() http.RoundTripper {
	return http.DefaultTransport.(*http.Transport).Clone()
}

// twilioTransport attaches a call's context to its requests and, when
// apiURL is set, sends them to apiURL instead of Twilio's hosts.
//
// twilio-go's base URLs are constants (https://api.twilio.com and friends),
// possibly rewritten to product.edge.region.twilio.com from TWILIO_EDGE and
// TWILIO_REGION; none of that is configurable to another host. Rewriting
// scheme and host here, below twilio-go, keeps its request encoding and
// error decoding exactly as they are against Twilio. Every product host maps
// to the same apiURL, which is what Twilio-compatible mocks expect.
type twilioTransport struct {
	ctx    context.Context
	apiURL *url.URL // nil: leave the URL alone
	base   http.RoundTripper
}

func (t *twilioTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if t.ctx != nil {
		ctx = t.ctx
	}
	// A RoundTripper must not modify the request it was given.
	out := req.Clone(ctx)
	if t.apiURL != nil {
		out.URL.Scheme = t.apiURL.Scheme
		out.URL.Host = t.apiURL.Host
		out.Host = "" // let the Host header follow the new URL
		if prefix := strings.TrimSuffix(t.apiURL.Path, "/"); prefix != "" {
			out.URL.Path = prefix + req.URL.Path
			out.URL.RawPath = ""
			if req.URL.RawPath != "" {
				out.URL.RawPath = strings.TrimSuffix(t.apiURL.EscapedPath(), "/") + req.URL.RawPath
			}
		}
	}
	return t.base.RoundTrip(out)
}

// twilioParseAPIURL parses TWILIO_API_URL. Empty gives nil: Twilio's own hosts.
func twilioParseAPIURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("TWILIO_API_URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("TWILIO_API_URL %q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("TWILIO_API_URL %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("TWILIO_API_URL %q: only scheme, host and path are allowed", raw)
	}
	return u, nil
}

// twilioIsSID reports whether s looks like a Twilio SID with the given
// two-letter prefix.
func twilioIsSID(s, prefix string) bool {
	return len(s) > len(prefix) && strings.HasPrefix(s, prefix) && twilioIsAlnum(s)
}

// twilioIsAlnum reports whether s is non-empty ASCII letters and digits,
// the only credentials twilio-go will send.
func twilioIsAlnum(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
