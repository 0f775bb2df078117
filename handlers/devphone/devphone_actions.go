package devphone

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// devPhoneStatus sends a status callback for a message or call.
func (s *Phone) devPhoneStatus(w http.ResponseWriter, r *http.Request) error {
	e, err := s.devEntry(r)
	if err != nil {
		return err
	}
	status := r.PostFormValue("status")
	i := slices.IndexFunc(devButtons[e.Kind], func(b devButtonView) bool { return b.Status == status })
	if i < 0 {
		return httpx.BadRequest("The dev phone has no such button.")
	}
	res, _, err := s.devStatusCallback(r.Context(), e, status, devButtons[e.Kind][i].code)
	if err != nil {
		return err
	}
	if res != http.StatusNoContent {
		return s.devWebhookFailed(w, r, "the status callback", res)
	}
	http.Redirect(w, r, "/dev/phone?done=status", http.StatusSeeOther)
	return nil
}

// devCall loads the call a button names.
func (s *Phone) devCall(r *http.Request) (phonegate.DevPhoneEntry, error) {
	e, err := s.devEntry(r)
	if err == nil && e.Kind != phonegate.ChannelCall {
		err = httpx.BadRequest("That is a message, not a call.")
	}
	return e, err
}

// devCallView is what a call said at its last step.
type devCallView struct {
	EntryID int64
	Number  string
	Said    []string
	Gather  string // the action of the Gather that waits for a key; empty when the call hung up
}

// devPhoneAnswer answers a call: the "answered" status callback, then the
// call's TwiML, fetched from this server as Twilio fetches it.
//
// The page answers the POST itself instead of redirecting: what the call
// says holds the code, which must not be stored or put in a URL.
func (s *Phone) devPhoneAnswer(w http.ResponseWriter, r *http.Request) error {
	e, err := s.devCall(r)
	if err != nil {
		return err
	}
	if d, ok, err := s.devEntryDelivery(r, e); err != nil {
		return err
	} else if ok && !callAnswerable(d.Status) {
		return httpx.BadRequest("That call can no longer be answered: " + strings.ToLower(phonegate.DeliveryWords(d)) + ".")
	}
	if _, _, err := s.devStatusCallback(r.Context(), e, "in-progress", 0); err != nil {
		return err
	}
	form := devCallFields(e)
	form.Set("CallStatus", "in-progress")
	return s.devCallStep(w, r, e, e.URL, form)
}

// devPhonePress presses a key (or none, when "digits" is empty) on a call,
// as the Gather it waits in posts it.
func (s *Phone) devPhonePress(w http.ResponseWriter, r *http.Request) error {
	e, err := s.devCall(r)
	if err != nil {
		return err
	}
	digits := r.PostFormValue("digits")
	if len(digits) > 1 || strings.Trim(digits, "0123456789*#") != "" {
		return httpx.BadRequest("Press one key: 0 to 9, * or #.")
	}
	action := r.PostFormValue("action")
	if !strings.HasPrefix(action, s.publicURL("/twilio/voice/gather?")) {
		return httpx.BadRequest("That is not where this call's keys go.")
	}
	form := devCallFields(e)
	form.Set("CallStatus", "in-progress")
	form.Set("Digits", digits)
	form.Set("FinishedOnKey", "")
	return s.devCallStep(w, r, e, action, form)
}

// devCallStep posts one request of a call and shows what the TwiML said.
func (s *Phone) devCallStep(w http.ResponseWriter, r *http.Request, e phonegate.DevPhoneEntry, target string, form url.Values) error {
	res, body, err := s.devPost(r.Context(), target, form)
	if err != nil {
		return err
	}
	if res != http.StatusOK {
		return s.devWebhookFailed(w, r, "the voice webhook", res)
	}
	said, gather, err := readCallTwiML(body)
	if err != nil {
		return err
	}
	v, err := s.devPhoneData(r)
	if err != nil {
		return err
	}
	v.Call = &devCallView{EntryID: e.ID, Number: e.To, Said: said, Gather: gather}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "devphone", v)
	return nil
}

// devPhoneSMS sends a message from a phone to the Twilio number, through
// /twilio/sms/inbound, and puts the reply, if any, on the dev phone.
func (s *Phone) devPhoneSMS(w http.ResponseWriter, r *http.Request) error {
	from := strings.TrimSpace(r.PostFormValue("from"))
	body := r.PostFormValue("quick")
	if body == "" {
		body = r.PostFormValue("text")
	}
	if from == "" || body == "" {
		return httpx.BadRequest("Give the number the message comes from and what it says.")
	}
	if len(from) > 32 || len(body) > 1600 {
		return httpx.BadRequest("A text message holds at most 1600 characters, from a number of at most 32.")
	}
	sid := devSID("SM")
	// What the phone sends goes on its timeline too, sealed as the server's
	// messages are: a reply code is a code.
	if _, err := s.db.AddDevPhone(r.Context(), phonegate.DevPhoneEntry{Kind: phonegate.ChannelSMS, SID: sid, To: from,
		Body: s.sealDevBody(body), CreatedAt: s.now(), Direction: phonegate.DevPhoneIn}); err != nil {
		return err
	}
	form := url.Values{"AccountSid": {devAccountSID}, "ApiVersion": {"2010-04-01"}, "MessageSid": {sid},
		"SmsSid": {sid}, "SmsMessageSid": {sid}, "SmsStatus": {"received"}, "From": {from}, "To": {Number},
		"Body": {body}, "NumMedia": {"0"}, "NumSegments": {"1"}}
	res, answer, err := s.devPost(r.Context(), s.publicURL("/twilio/sms/inbound"), form)
	if err != nil {
		return err
	}
	if res != http.StatusOK {
		return s.devWebhookFailed(w, r, "the inbound message webhook", res)
	}
	if reply := readReply(answer); reply != "" {
		if _, err := s.db.AddDevPhone(r.Context(), phonegate.DevPhoneEntry{Kind: phonegate.ChannelSMS, SID: devSID("SM"),
			To: from, Body: s.sealDevBody(reply), CreatedAt: s.now()}); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/dev/phone?done=sms", http.StatusSeeOther)
	return nil
}

// devWebhookFailed shows the page with what went wrong with a webhook.
func (s *Phone) devWebhookFailed(w http.ResponseWriter, r *http.Request, what string, status int) error {
	v, err := s.devPhoneData(r)
	if err != nil {
		return err
	}
	v.Error = fmt.Sprintf("This server answered %s with HTTP %d %s.", what, status, http.StatusText(status))
	s.render(w, r, http.StatusBadGateway, "devphone", v)
	return nil
}

// twimlNode is any TwiML element, read generically: the dev phone plays
// whatever this server answers, not what it expects it to answer.
type twimlNode struct {
	XMLName  xml.Name
	Action   string      `xml:"action,attr"`
	Text     string      `xml:",chardata"`
	Children []twimlNode `xml:",any"`
}

// readCallTwiML returns what a call document says, in order, up to the
// Gather that waits for a key, and that Gather's action; an empty action
// means the call hung up. Digits said one by one are joined on a line, as
// a listener hears them.
func readCallTwiML(doc []byte) (said []string, gather string, err error) {
	var root twimlNode
	if err := xml.NewDecoder(bytes.NewReader(doc)).Decode(&root); err != nil {
		return nil, "", fmt.Errorf("dev phone: read TwiML: %w", err)
	}
	var walk func(n twimlNode)
	walk = func(n twimlNode) {
		for _, c := range n.Children {
			if gather != "" && n.XMLName.Local != "Gather" {
				return // the call waits in the Gather: nothing after it is played
			}
			switch c.XMLName.Local {
			case "Say":
				text := strings.TrimSpace(c.Text)
				if last := len(said) - 1; len(text) == 1 && last >= 0 && isDigits(said[last]) {
					said[last] += " " + text
				} else {
					said = append(said, text)
				}
			case "Gather":
				walk(c)
				gather = c.Action
			case "Hangup":
				said = append(said, "(hangs up)")
			}
		}
	}
	walk(root)
	return said, gather, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789 ") == ""
}

// readReply returns the text of the first Message of an inbound message's
// answer, or "".
func readReply(doc []byte) string {
	var root twimlNode
	if err := xml.Unmarshal(doc, &root); err != nil {
		return ""
	}
	for _, c := range root.Children {
		if c.XMLName.Local == "Message" {
			return strings.TrimSpace(c.Text)
		}
	}
	return ""
}
