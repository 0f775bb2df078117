package handlers_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/phonegate/phonegate"
)

// said is what a TwiML document makes a call do, in order: each Say's
// text, "[gather <action>]" for a Gather and "[hangup]".
func said(t *testing.T, doc string) []string {
	t.Helper()
	type node struct {
		XMLName  xml.Name
		Action   string `xml:"action,attr"`
		Text     string `xml:",chardata"`
		Children []node `xml:",any"`
	}
	var root node
	if err := xml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatalf("not TwiML: %v\n%s", err, doc)
	}
	if root.XMLName.Local != "Response" {
		t.Fatalf("root element %s, want Response", root.XMLName.Local)
	}
	var out []string
	var walk func(n node)
	walk = func(n node) {
		for _, c := range n.Children {
			switch c.XMLName.Local {
			case "Say", "Message":
				out = append(out, strings.TrimSpace(c.Text))
			case "Gather":
				out = append(out, "[gather "+strings.TrimPrefix(c.Action, whPublic)+"]")
				walk(c)
			case "Hangup":
				out = append(out, "[hangup]")
			}
		}
	}
	walk(root)
	return out
}

// codeReading is how the call reads whCode: twice, digit by digit.
var codeReading = []string{"Your code is", "0", "4", "2", "9", "1", "7", "Again, your code is", "0", "4", "2", "9", "1", "7"}

func TestVoiceCall(t *testing.T) {
	h := newWebhookHarness(t)
	c := h.challenge(whPhone, "")
	d := h.send(c, "call")
	gather := "/twilio/voice/gather?d=" + d.ID
	tests := []struct {
		name string
		path string
		form string
		code bool
		want []string
	}{
		{"answered: the gate, without the code", "/twilio/voice?d=" + d.ID, "voice", false, []string{
			"Hello. This is a call with your phonegate verification code for Apollo.", "[gather " + gather + "]",
			"Press any key to hear your code.", "No key was pressed. Goodbye.", "[hangup]"}},
		{"a key at the gate: the code", gather, "gather-digit", true,
			append(append([]string{}, codeReading...), "[gather "+gather+"&r=2]", "Press 1 to hear it again.", "Goodbye.", "[hangup]")},
		{"repeat: round 2", gather + "&r=2", "gather-repeat", true,
			append(append([]string{}, codeReading...), "[gather "+gather+"&r=3]", "Press 1 to hear it again.", "Goodbye.", "[hangup]")},
		{"round 3: no more repeats", gather + "&r=3", "gather-repeat", true,
			append(append([]string{}, codeReading...), "Goodbye.", "[hangup]")},
		{"a round past the last is the last", gather + "&r=9", "gather-repeat", true,
			append(append([]string{}, codeReading...), "Goodbye.", "[hangup]")},
		{"another key at the repeat prompt: goodbye, no code", gather + "&r=2", "gather-digit", false,
			[]string{"Goodbye.", "[hangup]"}},
		{"no key at the gate: goodbye, no code", gather, "gather-empty", false, []string{"No key was pressed. Goodbye.", "[hangup]"}},
		{"unknown delivery", "/twilio/voice?d=dnope", "voice", false, []string{"Sorry, this call can not be completed. Goodbye.", "[hangup]"}},
		{"no delivery", "/twilio/voice/gather", "gather-digit", false, []string{"Sorry, this call can not be completed. Goodbye.", "[hangup]"}},
		{"inbound call", "/twilio/voice/inbound", "voice-inbound", false, []string{
			"Hello. This number only places verification calls and does not take calls. Goodbye.", "[hangup]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The requests come from the call that was placed.
			res, body := h.twilio(tt.path, whForm(t, tt.form, "CallSid", d.SID))
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
				t.Errorf("status %d, Content-Type %q; want 200 text/xml", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if diff := cmp.Diff(tt.want, said(t, body)); diff != "" {
				t.Errorf("the call says (-want +got):\n%s", diff)
			}
			// Only the code rounds hold the code; the gate and the rest never do.
			if reads := strings.Contains(body, ">9</Say>"); reads != tt.code {
				t.Errorf("holds the code = %v, want %v:\n%s", reads, tt.code, body)
			}
		})
	}
}

// TestVoiceEnded: once the challenge has ended (expired, used, cancelled),
// the call says nothing of it, even mid-call; an SMS delivery never
// speaks.
func TestVoiceEnded(t *testing.T) {
	unknown := []string{"Sorry, this call can not be completed. Goodbye.", "[hangup]"}
	tests := []struct {
		name string
		end  func(h *whHarness, c phonegate.Challenge)
		chn  string
	}{
		{"expired", func(h *whHarness, c phonegate.Challenge) { h.clock.Add(10 * time.Minute) }, "call"},
		{"cancelled by NO", func(h *whHarness, c phonegate.Challenge) {
			h.twilio("/twilio/sms/inbound", whForm(h.t, "sms-inbound", "Body", "NO"))
		}, "call"},
		{"an SMS delivery", func(h *whHarness, c phonegate.Challenge) {}, "sms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newWebhookHarness(t)
			c := h.challenge(whPhone, "")
			d := h.send(c, tt.chn)
			tt.end(h, c)
			for _, path := range []string{"/twilio/voice?d=" + d.ID, "/twilio/voice/gather?d=" + d.ID} {
				res, body := h.twilio(path, whForm(t, "gather-digit", "CallSid", d.SID))
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", path, res.StatusCode)
				}
				if diff := cmp.Diff(unknown, said(t, body)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", path, diff)
				}
			}
		})
	}
}

// TestVoiceSorry: a fault of ours still answers valid TwiML, 200 text/xml.
func TestVoiceSorry(t *testing.T) {
	h := newWebhookHarness(t)
	d := h.send(h.challenge(whPhone, ""), "call")
	h.db.Close()
	for _, path := range []string{"/twilio/voice?d=" + d.ID, "/twilio/voice/gather?d=" + d.ID} {
		res, body := h.twilio(path, whForm(t, "gather-digit"))
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Errorf("%s: status %d, Content-Type %q", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if diff := cmp.Diff([]string{"Sorry, an error occurred. Goodbye.", "[hangup]"}, said(t, body)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
	}
	if strings.Contains(h.logs.String(), whCode) {
		t.Error("the logs hold the code")
	}
}

// unknownCall is what a call hears when there is no code for it.
var unknownCall = []string{"Sorry, this call can not be completed. Goodbye.", "[hangup]"}

// TestVoiceOnlyItsCall: the code is spoken only to the call that was
// placed for the delivery (DESIGN §2), and not after that call ended. A
// signed request about another call, or a replay after the end, hears
// nothing of the code.
func TestVoiceOnlyItsCall(t *testing.T) {
	type test struct {
		name    string
		callSID func(d phonegate.Delivery) string
		before  func(h *whHarness, d phonegate.Delivery)
		code    bool
	}
	placed := func(d phonegate.Delivery) string { return d.SID }
	tests := []test{
		{"the call placed", placed, nil, true},
		{"another call", func(phonegate.Delivery) string { return "CA" + strings.Repeat("f", 32) }, nil, false},
		{"no CallSid", func(phonegate.Delivery) string { return "" }, nil, false},
	}
	for _, final := range []string{"completed", "busy", "no-answer", "failed", "canceled"} {
		tests = append(tests, test{"the call placed, after it was " + final, placed, func(h *whHarness, d phonegate.Delivery) {
			h.twilio("/twilio/voice/status?d="+d.ID, whForm(h.t, "call-status-completed", "CallSid", d.SID, "CallStatus", final))
		}, false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newWebhookHarness(t)
			d := h.send(h.challenge(whPhone, ""), "call")
			if tt.before != nil {
				tt.before(h, d)
			}
			for _, path := range []string{"/twilio/voice?d=" + d.ID, "/twilio/voice/gather?d=" + d.ID} {
				form := whForm(t, "gather-digit", "CallSid", tt.callSID(d))
				if tt.callSID(d) == "" {
					form.Del("CallSid")
				}
				res, body := h.twilio(path, form)
				if res.StatusCode != http.StatusOK {
					t.Errorf("%s: status %d", path, res.StatusCode)
				}
				if !tt.code {
					if diff := cmp.Diff(unknownCall, said(t, body)); diff != "" {
						t.Errorf("%s (-want +got):\n%s", path, diff)
					}
				} else if strings.Contains(path, "gather") && !strings.Contains(body, ">9</Say>") {
					t.Errorf("%s: the call placed did not hear the code:\n%s", path, body)
				}
			}
			if got := h.delivery(d.ID).SID; got != d.SID {
				t.Errorf("the delivery's SID became %q, want %q", got, d.SID)
			}
		})
	}
}

// TestVoiceFirstCallBinds: when Twilio asks for the TwiML before the REST
// answer with the call's SID is stored, the first call that asks is taken
// as the delivery's and stored; any other call is then refused. Of
// concurrent first requests of different calls, exactly one hears the code.
func TestVoiceFirstCallBinds(t *testing.T) {
	h := newWebhookHarness(t)
	ctx := context.Background()
	c := h.challenge(whPhone, "")
	reserve := func() phonegate.Delivery {
		t.Helper()
		d, err := h.db.ReserveSend(ctx, phonegate.SendRequest{ChallengeID: c.ID, Channel: "call", To: whPhone, Now: h.clock.Now(), Automatic: true})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first, other := "CA"+strings.Repeat("1", 32), "CA"+strings.Repeat("2", 32)

	d := reserve()
	gather := "/twilio/voice/gather?d=" + d.ID
	if _, body := h.twilio("/twilio/voice?d="+d.ID, whForm(t, "voice", "CallSid", first)); !strings.Contains(body, "<Gather") {
		t.Fatalf("the first call did not get the gate:\n%s", body)
	}
	if got := h.delivery(d.ID).SID; got != first {
		t.Errorf("stored SID %q, want the first call's %q", got, first)
	}
	if _, body := h.twilio(gather, whForm(t, "gather-digit", "CallSid", other)); strings.Contains(body, ">9</Say>") {
		t.Error("another call heard the code")
	}
	if _, body := h.twilio(gather, whForm(t, "gather-digit", "CallSid", first)); !strings.Contains(body, ">9</Say>") {
		t.Errorf("the first call did not hear the code:\n%s", body)
	}

	race := reserve()
	var mu sync.Mutex
	heard := 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			sid := fmt.Sprintf("CA%032d", 100+i)
			_, body := h.twilio("/twilio/voice/gather?d="+race.ID, whForm(t, "gather-digit", "CallSid", sid))
			if strings.Contains(body, ">9</Say>") {
				mu.Lock()
				heard++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if heard != 1 {
		t.Errorf("%d of 8 different calls heard the code, want 1", heard)
	}
}

// TestVoiceBytes pins the exact bytes that the voice webhooks send for the
// gate and the code rounds, against testdata/twiml/webhook-*.xml with the
// delivery ID written as DELIVERY: a faster way to build or write the
// documents must send the same bytes.
func TestVoiceBytes(t *testing.T) {
	h := newWebhookHarness(t)
	d := h.send(h.challenge(whPhone, ""), "call")
	gather := "/twilio/voice/gather?d=" + d.ID
	tests := []struct {
		golden string
		path   string
		form   string
	}{
		{"webhook-gate", "/twilio/voice?d=" + d.ID, "voice"},
		{"webhook-code-round-1", gather, "gather-digit"},
		{"webhook-code-round-3", gather + "&r=3", "gather-repeat"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("..", "testdata", "twiml", tt.golden+".xml"))
			if err != nil {
				t.Fatal(err)
			}
			_, body := h.twilio(tt.path, whForm(t, tt.form, "CallSid", d.SID))
			if diff := cmp.Diff(string(want), strings.ReplaceAll(body, d.ID, "DELIVERY")); diff != "" {
				t.Errorf("body differs from %s.xml (-want +got):\n%s", tt.golden, diff)
			}
		})
	}
}
