package verify

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

// Verify's error codes of verifications.
const (
	CodeMaxChecks   = 60202 // max check attempts reached
	CodeMaxSends    = 60203 // max send attempts reached
	CodeLandline    = 60205 // SMS to a number that cannot take it
	CodeOptedOut    = 60223 // the number replied STOP
	CodeBlocked     = 60410 // the number is not allowed (country allowlist, premium rate, no route)
	msgMaxChecks    = "Max check attempts reached"
	msgMaxSends     = "Max send attempts reached"
	msgLandline     = "SMS is not supported by landline phone number"
	msgOptedOut     = "The number has opted out of text messages (it replied STOP); use a call"
	msgBlocked      = "Verification delivery attempt blocked"
	msgInvalidPhone = "Invalid parameter `To`"
)

// verificationAnswers are the Verify answers of the domain's reasons, in
// order: the first whose Err the error is wins.
var verificationAnswers = []sentinelAnswer{
	{phonegate.ErrVerifyMaxChecks, http.StatusTooManyRequests, CodeMaxChecks, msgMaxChecks},
	{phonegate.ErrVerifyChannel, http.StatusBadRequest, CodeInvalidParameter, "Invalid parameter: Channel"},
	{phonegate.ErrVerifyCode, http.StatusBadRequest, CodeInvalidParameter, "Invalid parameter: Code"},
	{phonegate.ErrVerifyTarget, http.StatusBadRequest, CodeInvalidParameter, "Missing required parameter To or VerificationSid"},
	{phonegate.ErrVerifyStatus, http.StatusBadRequest, CodeInvalidParameter, "Invalid parameter: Status"},
	{phonegate.ErrOptedOut, http.StatusBadRequest, CodeOptedOut, msgOptedOut},
	{phonegate.ErrPhoneNotForSMS, http.StatusBadRequest, CodeLandline, msgLandline},
	{phonegate.ErrNoSMS, http.StatusBadRequest, CodeLandline, msgLandline},
	{phonegate.ErrPhoneCountry, http.StatusForbidden, CodeBlocked, msgBlocked},
	{phonegate.ErrPhonePremium, http.StatusForbidden, CodeBlocked, msgBlocked},
	{phonegate.ErrNoRoute, http.StatusForbidden, CodeBlocked, msgBlocked},
	{phonegate.ErrPhoneInvalid, http.StatusBadRequest, CodeInvalidParameter, msgInvalidPhone},
	{phonegate.ErrInvalidNumber, http.StatusBadRequest, CodeInvalidParameter, msgInvalidPhone},
}

// verifyAnswer turns the domain's refusal of a verification into Verify's
// answer: its own code for each rule, 60203 with Retry-After for any send
// limit; anything else goes on to the room's table (answerFor).
func (a *API) verifyAnswer(err error) error {
	if le, ok := errors.AsType[*phonegate.SendLimitError](err); ok {
		e := &Error{Status: http.StatusTooManyRequests, Code: CodeMaxSends, Message: msgMaxSends}
		if !le.RetryAt.IsZero() {
			e.RetryAfter = le.RetryAt.Sub(a.svc.Now())
		}
		return e
	}
	for _, s := range verificationAnswers {
		if errors.Is(err, s.Err) {
			return &Error{Status: s.Status, Code: s.Code, Message: s.Message}
		}
	}
	return err
}
