package devphone

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/twilio"
)

// What the dev phone says it is, in the fields Twilio would send.
const (
	devAccountSID = "ACdev00000000000000000000000000000"
	Number        = "+15005550006" // Twilio's test number that sends to anyone: the dev phone's own
)

// SendSMS records the message. Its body holds the code, so it is kept
// sealed with the server key: no code is readable in the database file,
// dev mode or not.
func (p *Phone) SendSMS(ctx context.Context, m phonegate.SMS) (string, error) {
	e, err := p.db.AddDevPhone(ctx, phonegate.DevPhoneEntry{Kind: phonegate.ChannelSMS, SID: devSID("SM"), To: m.To,
		Body: p.sealDevBody(m.Body), Callback: m.StatusCallback, CreatedAt: p.now()})
	if err != nil {
		return "", err
	}
	p.devInitialCallbacks(e, "queued", "sent")
	return e.SID, nil
}

// PlaceCall records the call: its TwiML URL and callback, never the code,
// which the dev phone hears only by fetching the TwiML.
func (p *Phone) PlaceCall(ctx context.Context, c phonegate.Call) (string, error) {
	e, err := p.db.AddDevPhone(ctx, phonegate.DevPhoneEntry{Kind: phonegate.ChannelCall, SID: devSID("CA"), To: c.To,
		URL: c.URL, Callback: c.StatusCallback, CreatedAt: p.now()})
	if err != nil {
		return "", err
	}
	p.devInitialCallbacks(e, "initiated", "ringing")
	return e.SID, nil
}

// devSID returns a fake SID shaped like Twilio's: a prefix and 32 hex
// digits, of which "dev" marks it as the dev phone's.
func devSID(prefix string) string {
	b := make([]byte, 15)
	rand.Read(b)
	return prefix + "dev" + hex.EncodeToString(b)[:29]
}

// devBodyLabel binds sealed dev phone bodies to their use, so that no other
// sealed value can be opened as one.
const devBodyLabel = "dev phone message"

// sealDevBody seals a message body for the dev_phone table.
func (s *Phone) sealDevBody(body string) string {
	return base64.StdEncoding.EncodeToString(s.cfg.Keys.Seal(devBodyLabel, body))
}

// openDevBody opens what sealDevBody sealed; "" if it cannot.
func (s *Phone) openDevBody(sealed string) string {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil {
		return ""
	}
	body, err := s.cfg.Keys.Open(devBodyLabel, b)
	if err != nil {
		return ""
	}
	return body
}

// devInitialCallbacks posts the first status callbacks of a send, as
// Twilio does: in the background, a moment after the send has returned, so
// that the delivery has its SID by then.
func (s *Phone) devInitialCallbacks(e phonegate.DevPhoneEntry, statuses ...string) {
	go func() {
		time.Sleep(100 * time.Millisecond)
		for _, st := range statuses {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, _, err := s.devStatusCallback(ctx, e, st, 0)
			cancel()
			if err != nil {
				s.log.Warn().Err(err).Str("sid", e.SID).Msg("dev phone: status callback")
				return
			}
		}
	}()
}

// devStatusCallback posts a status callback for entry e with the fields
// Twilio sends, and returns the webhook's answer.
func (s *Phone) devStatusCallback(ctx context.Context, e phonegate.DevPhoneEntry, status string, errorCode int) (int, []byte, error) {
	form := url.Values{"AccountSid": {devAccountSID}, "ApiVersion": {"2010-04-01"}, "From": {Number}, "To": {e.To}}
	if e.Kind == phonegate.ChannelSMS {
		form.Set("MessageSid", e.SID)
		form.Set("SmsSid", e.SID)
		form.Set("MessageStatus", status)
		form.Set("SmsStatus", status)
	} else {
		for k, v := range devCallFields(e) {
			form[k] = v
		}
		form.Set("CallStatus", status)
		form.Set("CallbackSource", "call-progress-events")
		form.Set("Timestamp", s.now().UTC().Format(time.RFC1123Z))
		if status == "completed" {
			form.Set("CallDuration", "17")
		}
	}
	if errorCode != 0 {
		form.Set("ErrorCode", fmt.Sprint(errorCode))
	}
	return s.devPost(ctx, e.Callback, form)
}

// devCallFields are the fields of every request Twilio makes about a call.
func devCallFields(e phonegate.DevPhoneEntry) url.Values {
	return url.Values{"AccountSid": {devAccountSID}, "ApiVersion": {"2010-04-01"}, "CallSid": {e.SID},
		"Direction": {"outbound-api"}, "From": {Number}, "Caller": {Number}, "To": {e.To}, "Called": {e.To}}
}

// devClient makes the dev phone's requests to this server.
var devClient = &http.Client{
	Timeout: 10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// devPost posts form, signed as Twilio signs, to one of this server's own
// webhooks (target must be under the public URL's /twilio/), and returns
// the status and body of the answer.
func (s *Phone) devPost(ctx context.Context, target string, form url.Values) (int, []byte, error) {
	if !strings.HasPrefix(target, s.publicURL("/twilio/")) {
		return 0, nil, fmt.Errorf("dev phone: %q is not one of this server's webhooks", target)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, fmt.Errorf("dev phone: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1 (phonegate dev phone)")
	req.Header.Set(twilio.SignatureHeader, twilio.Signature(s.cfg.AuthToken, target, form))
	res, err := devClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("dev phone: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, twilio.MaxWebhookBytes))
	if err != nil {
		return 0, nil, fmt.Errorf("dev phone: %w", err)
	}
	return res.StatusCode, body, nil
}
