package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials the fake accepts unless a test adds others.
const (
	fakeTwilioAccountSID = "AC00000000000000000000000000000001"
	fakeTwilioAuthToken  = "faketoken0000000000000000000001"
)

// fakeTwilio is a fake of the parts of Twilio's REST API that phonegate
// uses: Messages, Calls and IncomingPhoneNumbers. Tests point the real
// twilio-go client at URL (as TWILIO_API_URL), so request encoding and error
// decoding are twilio-go's own. It checks basic auth and the account SID in
// the path, answers with JSON shaped like Twilio's, and records what it was
// asked to send.
type fakeTwilio struct {
	URL string // base URL, for twilioConfig.APIURL

	srv     *httptest.Server
	release chan struct{} // closed at cleanup, frees hanging requests

	mu     sync.Mutex
	users  map[string]string // basic-auth user → password
	failTo map[string]int    // To number → Twilio error code
	hang   bool
	// onMessage and onCall, when set, are run in a goroutine of their own
	// after a message or call is accepted: a player of Twilio's part
	// (twilioplayer_test.go) posts the callbacks Twilio would.
	onMessage, onCall func(fakeTwilioRequest)
	messages          []fakeTwilioRequest
	calls             []fakeTwilioRequest
	numbers           []*fakeTwilioNumber
	requests          []string
	nextSID           int
}

// fakeTwilioRequest is one message or call the fake accepted.
type fakeTwilioRequest struct {
	SID  string     // the SID the fake answered with
	User string     // the basic-auth user name the request came with
	Form url.Values // the POSTed form fields
}

// fakeTwilioNumber is one IncomingPhoneNumber on the fake account.
type fakeTwilioNumber struct {
	SID                 string // "PN…"; AddNumber assigns one when empty
	PhoneNumber         string // E.164
	SMSURL              string
	SMSMethod           string
	VoiceURL            string
	VoiceMethod         string
	SMSApplicationSID   string
	VoiceApplicationSID string
}

// newFakeTwilio starts a fake Twilio API that accepts fakeTwilioAccountSID
// with fakeTwilioAuthToken. It stops when the test ends.
func newFakeTwilio(t testing.TB) *fakeTwilio {
	t.Helper()
	f := &fakeTwilio{
		release: make(chan struct{}),
		users:   map[string]string{fakeTwilioAccountSID: fakeTwilioAuthToken},
		failTo:  map[string]int{},
	}
	mux := http.NewServeMux()
	const account = "/2010-04-01/Accounts/{account}"
	mux.HandleFunc("POST "+account+"/Messages.json", f.createMessage)
	mux.HandleFunc("POST "+account+"/Calls.json", f.createCall)
	mux.HandleFunc("GET "+account+"/IncomingPhoneNumbers.json", f.listNumbers)
	mux.HandleFunc("POST "+account+"/IncomingPhoneNumbers/{file}", f.updateNumber)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fakeTwilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	})
	f.srv = httptest.NewServer(f.guard(mux))
	f.URL = f.srv.URL
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

// Config returns a sender config that reaches the fake with its default
// credentials and sends from +15005550006.
func (f *fakeTwilio) Config() twilioConfig {
	return twilioConfig{
		AccountSID: fakeTwilioAccountSID,
		AuthToken:  fakeTwilioAuthToken,
		From:       "+15005550006",
		APIURL:     f.URL,
		Timeout:    5 * time.Second,
	}
}

// AllowUser makes the fake accept basic auth with user and password, as
// for an API key and secret.
func (f *fakeTwilio) AllowUser(user, password string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[user] = password
}

// FailTo makes every message and call to the number fail with the Twilio
// error code, answered as Twilio does: a JSON error body with an HTTP error
// status.
func (f *fakeTwilio) FailTo(number string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failTo[number] = code
}

// Hang makes every later request wait without an answer until the client
// gives up (or the test ends).
func (f *fakeTwilio) Hang() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hang = true
}

// AddNumber puts an IncomingPhoneNumber on the account and returns its SID.
func (f *fakeTwilio) AddNumber(n fakeTwilioNumber) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n.SID == "" {
		n.SID = f.newSID("PN")
	}
	f.numbers = append(f.numbers, &n)
	return n.SID
}

// Number returns the IncomingPhoneNumber with the SID as it is now.
func (f *fakeTwilio) Number(sid string) (fakeTwilioNumber, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.numbers {
		if n.SID == sid {
			return *n, true
		}
	}
	return fakeTwilioNumber{}, false
}

// Messages returns the messages accepted so far, oldest first.
func (f *fakeTwilio) Messages() []fakeTwilioRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fakeTwilioCopy(f.messages)
}

// Calls returns the calls accepted so far, oldest first.
func (f *fakeTwilio) Calls() []fakeTwilioRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fakeTwilioCopy(f.calls)
}

// Requests returns "METHOD path" for every request that reached the fake,
// authenticated or not, oldest first.
func (f *fakeTwilio) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.requests...)
}

func fakeTwilioCopy(rs []fakeTwilioRequest) []fakeTwilioRequest {
	out := make([]fakeTwilioRequest, len(rs))
	for i, r := range rs {
		out[i] = fakeTwilioRequest{SID: r.SID, User: r.User, Form: url.Values{}}
		for k, v := range r.Form {
			out[i].Form[k] = append([]string(nil), v...)
		}
	}
	return out
}

// newSID returns a fresh SID with the prefix. f.mu must be held.
func (f *fakeTwilio) newSID(prefix string) string {
	f.nextSID++
	return fmt.Sprintf("%s%032x", prefix, f.nextSID)
}

// guard records the request, hangs if told to, and checks basic auth and
// the account in the path as Twilio does before anything else.
func (f *fakeTwilio) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.Method+" "+r.URL.Path)
		hang := f.hang
		user, password, ok := r.BasicAuth()
		authorized := ok && f.users[user] == password && password != ""
		f.mu.Unlock()

		if hang {
			select {
			case <-r.Context().Done():
			case <-f.release:
			}
			return
		}
		if !authorized {
			fakeTwilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/2010-04-01/Accounts/"+fakeTwilioAccountSID+"/") {
			fakeTwilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
			return
		}
		if r.Method == http.MethodPost {
			if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				fakeTwilioError(w, http.StatusBadRequest, 20001, "unexpected Content-Type "+ct)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// fakeTwilioMessages are realistic texts for the error codes tests use.
var fakeTwilioMessages = map[int]string{
	20003: "Authenticate",
	21211: "Invalid 'To' Phone Number",
	21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number",
	21610: "Attempt to send to unsubscribed recipient",
	21612: "The 'To' phone number is not currently reachable using the 'From' phone number via SMS.",
	21614: "'To' number is not a valid mobile number",
}

// failure reports the error code set for a To number, if any.
func (f *fakeTwilio) failure(to string) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	code, ok := f.failTo[to]
	return code, ok
}

func (f *fakeTwilio) createMessage(w http.ResponseWriter, r *http.Request) {
	to, body := r.PostFormValue("To"), r.PostFormValue("Body")
	from, service := r.PostFormValue("From"), r.PostFormValue("MessagingServiceSid")
	switch {
	case to == "":
		fakeTwilioError(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
		return
	case body == "":
		fakeTwilioError(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	case from == "" && service == "":
		fakeTwilioError(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
		return
	}
	if code, ok := f.failure(to); ok {
		fakeTwilioFail(w, code)
		return
	}
	user, _, _ := r.BasicAuth()
	f.mu.Lock()
	sid := f.newSID("SM")
	f.messages = append(f.messages, fakeTwilioRequest{SID: sid, User: user, Form: r.PostForm})
	hook := f.onMessage
	f.mu.Unlock()
	if hook != nil {
		defer func() { go hook(fakeTwilioRequest{SID: sid, User: user, Form: r.PostForm}) }()
	}

	// Twilio answers "accepted" while a Messaging Service picks the sender,
	// "queued" when the sender is fixed.
	status := "queued"
	if service != "" {
		status = "accepted"
	}
	uri := strings.TrimSuffix(r.URL.Path, ".json") + "/" + sid
	now := time.Now().UTC().Format(time.RFC1123Z)
	fakeTwilioJSON(w, http.StatusCreated, map[string]any{
		"account_sid":           fakeTwilioAccountSID,
		"api_version":           "2010-04-01",
		"body":                  body,
		"date_created":          now,
		"date_sent":             nil,
		"date_updated":          now,
		"direction":             "outbound-api",
		"error_code":            nil,
		"error_message":         nil,
		"from":                  fakeTwilioNullable(from),
		"messaging_service_sid": fakeTwilioNullable(service),
		"num_media":             "0",
		"num_segments":          "1",
		"price":                 nil,
		"price_unit":            "USD",
		"sid":                   sid,
		"status":                status,
		"subresource_uris":      map[string]string{"media": uri + "/Media.json"},
		"to":                    to,
		"uri":                   uri + ".json",
	})
}

func (f *fakeTwilio) createCall(w http.ResponseWriter, r *http.Request) {
	to, from := r.PostFormValue("To"), r.PostFormValue("From")
	switch {
	case to == "":
		fakeTwilioError(w, http.StatusBadRequest, 21201, "No 'To' number is specified")
		return
	case from == "":
		fakeTwilioError(w, http.StatusBadRequest, 21213, "No 'From' number is specified")
		return
	case r.PostFormValue("Url") == "" && r.PostFormValue("Twiml") == "" && r.PostFormValue("ApplicationSid") == "":
		fakeTwilioError(w, http.StatusBadRequest, 21205, "Url parameter is required.")
		return
	}
	if code, ok := f.failure(to); ok {
		fakeTwilioFail(w, code)
		return
	}
	user, _, _ := r.BasicAuth()
	f.mu.Lock()
	sid := f.newSID("CA")
	f.calls = append(f.calls, fakeTwilioRequest{SID: sid, User: user, Form: r.PostForm})
	hook := f.onCall
	f.mu.Unlock()
	if hook != nil {
		defer func() { go hook(fakeTwilioRequest{SID: sid, User: user, Form: r.PostForm}) }()
	}

	now := time.Now().UTC().Format(time.RFC1123Z)
	fakeTwilioJSON(w, http.StatusCreated, map[string]any{
		"account_sid":      fakeTwilioAccountSID,
		"annotation":       nil,
		"answered_by":      nil,
		"api_version":      "2010-04-01",
		"caller_name":      nil,
		"date_created":     now,
		"date_updated":     now,
		"direction":        "outbound-api",
		"duration":         nil,
		"end_time":         nil,
		"forwarded_from":   nil,
		"from":             from,
		"from_formatted":   from,
		"group_sid":        nil,
		"parent_call_sid":  nil,
		"phone_number_sid": "PN" + strings.Repeat("0", 32),
		"price":            nil,
		"price_unit":       "USD",
		"sid":              sid,
		"start_time":       nil,
		"status":           "queued",
		"subresource_uris": map[string]string{},
		"to":               to,
		"to_formatted":     to,
		"uri":              strings.TrimSuffix(r.URL.Path, ".json") + "/" + sid + ".json",
	})
}

func (f *fakeTwilio) listNumbers(w http.ResponseWriter, r *http.Request) {
	// Twilio matches PhoneNumber as a pattern: partial numbers match too.
	// Matching on digits reproduces that, and that several numbers can
	// come back for one filter.
	want := strings.TrimPrefix(r.URL.Query().Get("PhoneNumber"), "+")
	f.mu.Lock()
	list := []map[string]any{}
	for _, n := range f.numbers {
		if strings.Contains(n.PhoneNumber, want) {
			list = append(list, fakeTwilioNumberJSON(n))
		}
	}
	f.mu.Unlock()

	uri := r.URL.Path + "?" + r.URL.RawQuery
	fakeTwilioJSON(w, http.StatusOK, map[string]any{
		"end":                    len(list) - 1,
		"first_page_uri":         uri,
		"incoming_phone_numbers": list,
		"next_page_uri":          nil,
		"page":                   0,
		"page_size":              50,
		"previous_page_uri":      nil,
		"start":                  0,
		"uri":                    uri,
	})
}

func (f *fakeTwilio) updateNumber(w http.ResponseWriter, r *http.Request) {
	sid, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	if !ok {
		fakeTwilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	if err := r.ParseForm(); err != nil {
		fakeTwilioError(w, http.StatusBadRequest, 20001, err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.numbers {
		if n.SID != sid {
			continue
		}
		for field, dst := range map[string]*string{
			"SmsUrl":              &n.SMSURL,
			"SmsMethod":           &n.SMSMethod,
			"VoiceUrl":            &n.VoiceURL,
			"VoiceMethod":         &n.VoiceMethod,
			"SmsApplicationSid":   &n.SMSApplicationSID,
			"VoiceApplicationSid": &n.VoiceApplicationSID,
		} {
			if v, ok := r.PostForm[field]; ok {
				*dst = v[0]
			}
		}
		fakeTwilioJSON(w, http.StatusOK, fakeTwilioNumberJSON(n))
		return
	}
	fakeTwilioError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
}

// fakeTwilioNumberJSON renders n as Twilio does.
func fakeTwilioNumberJSON(n *fakeTwilioNumber) map[string]any {
	return map[string]any{
		"account_sid":            fakeTwilioAccountSID,
		"api_version":            "2010-04-01",
		"beta":                   false,
		"capabilities":           map[string]bool{"voice": true, "sms": true, "mms": true, "fax": false},
		"friendly_name":          n.PhoneNumber,
		"phone_number":           n.PhoneNumber,
		"origin":                 "twilio",
		"sid":                    n.SID,
		"sms_application_sid":    n.SMSApplicationSID,
		"sms_fallback_method":    "POST",
		"sms_fallback_url":       "",
		"sms_method":             n.SMSMethod,
		"sms_url":                n.SMSURL,
		"status":                 "in-use",
		"status_callback":        "",
		"status_callback_method": "POST",
		"uri":                    "/2010-04-01/Accounts/" + fakeTwilioAccountSID + "/IncomingPhoneNumbers/" + n.SID + ".json",
		"voice_application_sid":  n.VoiceApplicationSID,
		"voice_caller_id_lookup": false,
		"voice_fallback_method":  "POST",
		"voice_fallback_url":     "",
		"voice_method":           n.VoiceMethod,
		"voice_url":              n.VoiceURL,
	}
}

// fakeTwilioFail answers with the Twilio error for code, with the HTTP
// status Twilio uses for it.
func fakeTwilioFail(w http.ResponseWriter, code int) {
	status := http.StatusBadRequest
	if code == 20003 {
		status = http.StatusUnauthorized
	}
	msg, ok := fakeTwilioMessages[code]
	if !ok {
		msg = fmt.Sprintf("fake error %d", code)
	}
	fakeTwilioError(w, status, code, msg)
}

func fakeTwilioError(w http.ResponseWriter, status, code int, message string) {
	fakeTwilioJSON(w, status, map[string]any{
		"code":      code,
		"message":   message,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
		"status":    status,
	})
}

func fakeTwilioJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// fakeTwilioNullable renders "" as JSON null, as Twilio does for unset SIDs.
func fakeTwilioNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
