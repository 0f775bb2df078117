package main

import (
	"net/url"

	"github.com/phonegate/phonegate/handlers/twilio"
)

// twilioSignature computes X-Twilio-Signature with the server's own
// signer, as Twilio would. The load tool signs every request itself so
// that the server's validator does the work it would do for Twilio.
func twilioSignature(authToken, fullURL string, form url.Values) string {
	return twilio.Signature(authToken, fullURL, form)
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
