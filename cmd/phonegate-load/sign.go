package main

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"slices"
	"strings"
)

// twilioSignature computes X-Twilio-Signature as Twilio does: the full URL
// the request was sent to, then every POST parameter's name and value in
// order of name (values of a repeated name in order too), HMAC-SHA1 under
// the auth token, base64. The load tool signs every request itself so that
// the server's validator does the work it would do for Twilio.
func twilioSignature(authToken, fullURL string, form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var sb strings.Builder
	sb.WriteString(fullURL)
	for _, k := range keys {
		vs := slices.Clone(form[k])
		slices.Sort(vs)
		for _, v := range vs {
			sb.WriteString(k)
			sb.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(sb.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Fixed identifiers of the fake account the server is started with. They
// only need the shape twilio-go and the config check expect.
const (
	loadAccountSID = "AC00000000000000000000000000000001"
	loadAuthToken  = "0123456789abcdef0123456789abcdef"
	loadFrom       = "+15005550006"
)

// voiceForm is the body Twilio posts to a call's Url when it is answered.
func voiceForm(callSID, to string) url.Values {
	return url.Values{
		"AccountSid":    {loadAccountSID},
		"ApiVersion":    {"2010-04-01"},
		"CallSid":       {callSID},
		"CallStatus":    {"in-progress"},
		"Called":        {to},
		"CalledCountry": {"US"},
		"Caller":        {loadFrom},
		"CallerCountry": {"US"},
		"Direction":     {"outbound-api"},
		"From":          {loadFrom},
		"To":            {to},
		"ToCountry":     {"US"},
	}
}

// smsStatusForm is the body of a message status callback.
func smsStatusForm(messageSID, to, status string) url.Values {
	return url.Values{
		"AccountSid":    {loadAccountSID},
		"ApiVersion":    {"2010-04-01"},
		"From":          {loadFrom},
		"MessageSid":    {messageSID},
		"MessageStatus": {status},
		"SmsSid":        {messageSID},
		"SmsStatus":     {status},
		"To":            {to},
	}
}
