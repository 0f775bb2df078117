package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// twilioPlayer plays Twilio's part for a fake Twilio API: after a message
// is accepted it posts the signed status callbacks Twilio would; after a
// call is placed it rings, answers, fetches the call's TwiML, presses a
// key and listens to the digits that are read out, then hangs up. What
// reached each number (a code in an SMS, or the digits heard on a call) is
// kept for the test to type in.
type twilioPlayer struct {
	t         testing.TB
	authToken string
	client    *http.Client

	mu      sync.Mutex
	sms     map[string]playerOutcome // by To number; default delivered
	calls   map[string]string        // by To number: "answer" (default), "no-answer", "busy"
	codes   map[string][]string      // codes that reached each number, oldest first
	read    map[string]int           // how many of codes[n] the test has taken
	heard   map[string][]string      // what each call said, for screenshots and checks
	lastErr error
}

// playerSilent is the SMS outcome of a message whose callbacks the test posts.
const playerSilent = "silent"

type playerOutcome struct {
	status string // "delivered", "undelivered" or "failed"
	code   int    // ErrorCode for undelivered and failed
}

func newTwilioPlayer(t testing.TB, f *fakeTwilio) *twilioPlayer {
	p := &twilioPlayer{
		t:         t,
		authToken: fakeTwilioAuthToken,
		client:    &http.Client{Timeout: 10 * time.Second},
		sms:       map[string]playerOutcome{},
		calls:     map[string]string{},
		codes:     map[string][]string{},
		read:      map[string]int{},
		heard:     map[string][]string{},
	}
	f.mu.Lock()
	f.onMessage, f.onCall = p.message, p.call
	f.mu.Unlock()
	return p
}

// SMSOutcome makes the next messages to number end with status (and the
// error code for undelivered or failed); playerSilent posts no callback at
// all, for a test that plays them itself.
func (p *twilioPlayer) SMSOutcome(number, status string, code int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sms[number] = playerOutcome{status: status, code: code}
}

// CallOutcome makes the next calls to number be answered, or not.
func (p *twilioPlayer) CallOutcome(number, outcome string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls[number] = outcome
}

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

func (p *twilioPlayer) message(m fakeTwilioRequest) {
	to, cb := m.Form.Get("To"), m.Form.Get("StatusCallback")
	p.mu.Lock()
	out, ok := p.sms[to]
	p.mu.Unlock()
	if !ok {
		out = playerOutcome{status: "delivered"}
	}
	if out.status == playerSilent {
		return
	}
	base := url.Values{"MessageSid": {m.SID}, "SmsSid": {m.SID}, "AccountSid": {fakeTwilioAccountSID},
		"From": {m.Form.Get("From")}, "To": {to}, "ApiVersion": {"2010-04-01"}}
	p.post(cb, with(base, "MessageStatus", "sent", "SmsStatus", "sent"))
	time.Sleep(50 * time.Millisecond)
	if out.status != "delivered" {
		p.post(cb, with(base, "MessageStatus", out.status, "SmsStatus", out.status, "ErrorCode", fmt.Sprint(out.code)))
		return
	}
	if c := sixDigits.FindString(m.Form.Get("Body")); c != "" {
		p.addCode(to, c)
	}
	p.post(cb, with(base, "MessageStatus", "delivered", "SmsStatus", "delivered"))
}

func (p *twilioPlayer) call(c fakeTwilioRequest) {
	to, cb, answerURL := c.Form.Get("To"), c.Form.Get("StatusCallback"), c.Form.Get("Url")
	p.mu.Lock()
	outcome := p.calls[to]
	p.mu.Unlock()
	base := url.Values{"CallSid": {c.SID}, "AccountSid": {fakeTwilioAccountSID}, "From": {c.Form.Get("From")},
		"To": {to}, "Direction": {"outbound-api"}, "ApiVersion": {"2010-04-01"}}
	p.post(cb, with(base, "CallStatus", "initiated"))
	p.post(cb, with(base, "CallStatus", "ringing"))
	time.Sleep(50 * time.Millisecond)
	if outcome == "no-answer" || outcome == "busy" {
		p.post(cb, with(base, "CallStatus", outcome))
		return
	}
	p.post(cb, with(base, "CallStatus", "in-progress"))
	gate := p.post(answerURL, with(base, "CallStatus", "in-progress"))
	said, action := readTwiML(gate)
	p.listen(to, said)
	if action != "" {
		code := p.post(action, with(base, "CallStatus", "in-progress", "Digits", "1"))
		said, _ = readTwiML(code)
		p.listen(to, said)
		var digits strings.Builder
		for _, s := range said {
			if len(s) == 1 && s[0] >= '0' && s[0] <= '9' && digits.Len() < 6 {
				digits.WriteString(s)
			}
		}
		if digits.Len() == 6 {
			p.addCode(to, digits.String())
		}
	}
	p.post(cb, with(base, "CallStatus", "completed", "CallDuration", "21"))
}

func (p *twilioPlayer) listen(to string, said []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.heard[to] = append(p.heard[to], said...)
}

func (p *twilioPlayer) addCode(to, code string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.codes[to] = append(p.codes[to], code)
}

// Heard returns everything calls to number have said so far.
func (p *twilioPlayer) Heard(number string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.heard[number]...)
}

// NextCode waits for a code that reached number and that the test has not
// taken yet.
func (p *twilioPlayer) NextCode(number string) string {
	p.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		if n := p.read[number]; n < len(p.codes[number]) {
			p.read[number] = len(p.codes[number])
			code := p.codes[number][len(p.codes[number])-1]
			p.mu.Unlock()
			return code
		}
		err := p.lastErr
		p.mu.Unlock()
		if err != nil {
			p.t.Fatalf("playing Twilio: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("no code reached %s", number)
	return ""
}

// Inbound sends an SMS from number to the server's inbound webhook, as
// Twilio does when a message comes in, and returns the TwiML answer.
func (p *twilioPlayer) Inbound(publicURL, from, to, body string) string {
	return p.post(publicURL+"/twilio/sms/inbound", url.Values{"MessageSid": {"SMinbound" + fmt.Sprint(time.Now().UnixNano())},
		"AccountSid": {fakeTwilioAccountSID}, "From": {from}, "To": {to}, "Body": {body}, "NumMedia": {"0"}})
}

// post sends a form signed as Twilio signs it and returns the answer's body.
func (p *twilioPlayer) post(target string, form url.Values) string {
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		p.fail(err)
		return ""
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", twilioSign(p.authToken, target, form))
	res, err := p.client.Do(req)
	if err != nil {
		p.fail(err)
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		p.fail(fmt.Errorf("POST %s: %s: %s", target, res.Status, b))
	}
	return string(b)
}

func (p *twilioPlayer) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lastErr == nil {
		p.lastErr = err
	}
}

// twilioSign computes X-Twilio-Signature: base64 of HMAC-SHA1, keyed by
// the auth token, of the URL followed by each POST parameter's name and
// value in name order.
func twilioSign(token, target string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(target)
	for _, k := range keys {
		vs := append([]string(nil), form[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func with(base url.Values, kv ...string) url.Values {
	v := url.Values{}
	for k, vs := range base {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// readTwiML returns the text of every <Say> in document order and the
// action of the first <Gather>.
func readTwiML(doc string) (said []string, gatherAction string) {
	d := xml.NewDecoder(strings.NewReader(doc))
	inSay := false
	for {
		tok, err := d.Token()
		if err != nil {
			return said, gatherAction
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "Say":
				inSay = true
				said = append(said, "")
			case "Gather":
				for _, a := range el.Attr {
					if a.Name.Local == "action" && gatherAction == "" {
						gatherAction = a.Value
					}
				}
			}
		case xml.EndElement:
			if el.Name.Local == "Say" {
				inSay = false
			}
		case xml.CharData:
			if inSay {
				said[len(said)-1] += strings.TrimSpace(string(el))
			}
		}
	}
}
