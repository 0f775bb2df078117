package verify

import (
	"net/http"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// verificationRoutes are the Verifications and VerificationCheck routes
// of a service. A verification's path names it by its SID or by its To.
func (a *API) verificationRoutes() []httpx.Route {
	return []httpx.Route{
		a.route(http.MethodPost, "/v2/Services/:sid/Verifications", a.forService(a.createVerification)),
		a.route(http.MethodGet, "/v2/Services/:sid/Verifications/:vsid", a.forService(a.fetchVerification)),
		a.route(http.MethodPost, "/v2/Services/:sid/Verifications/:vsid", a.forService(a.updateVerification)),
		a.route(http.MethodPost, "/v2/Services/:sid/VerificationCheck", a.forService(a.checkVerification)),
	}
}

// verificationFields are what a verification and a check of it answer
// alike, with the names twilio-go decodes.
type verificationFields struct {
	SID         string  `json:"sid"`
	ServiceSID  string  `json:"service_sid"`
	AccountSID  string  `json:"account_sid"`
	To          string  `json:"to"`
	Channel     string  `json:"channel"`
	Status      string  `json:"status"`
	Valid       bool    `json:"valid"`
	Amount      *string `json:"amount"`
	Payee       *string `json:"payee"`
	DateCreated string  `json:"date_created"`
	DateUpdated string  `json:"date_updated"`
}

// verificationJSON is a verification as Verify v2 answers it, with the
// fields twilio-go's VerifyV2Verification decodes.
type verificationJSON struct {
	verificationFields
	Lookup           lookupJSON    `json:"lookup"`
	SendCodeAttempts []attemptJSON `json:"send_code_attempts"`
	Sna              *string       `json:"sna"`
	URL              string        `json:"url"`
}

// lookupJSON is what Verify says of the number: phonegate looks up no
// carrier.
type lookupJSON struct {
	Carrier *string `json:"carrier"`
}

// attemptJSON is one send of a verification's code.
type attemptJSON struct {
	AttemptSID string `json:"attempt_sid"`
	Channel    string `json:"channel"`
	Time       string `json:"time"`
}

// verificationCheckJSON is a check as Verify v2 answers it, with the
// fields twilio-go's VerifyV2VerificationCheck decodes.
type verificationCheckJSON struct {
	verificationFields
	SnaAttemptsErrorCodes []any `json:"sna_attempts_error_codes"`
}

// verificationOut is v as answered to the principal p.
func (a *API) verificationOut(v phonegate.Verification, p phonegate.APIPrincipal) verificationJSON {
	attempts := make([]attemptJSON, 0, len(v.Attempts))
	for _, d := range v.Attempts {
		attempts = append(attempts, attemptJSON{AttemptSID: phonegate.AttemptSID(d), Channel: d.Channel, Time: date(d.CreatedAt)})
	}
	return verificationJSON{verificationFields: verificationFields{SID: v.ID, ServiceSID: v.ServiceSID,
		AccountSID: p.AccountSID, To: v.Phone, Channel: v.Channel, Status: v.Status, Valid: v.Valid(),
		DateCreated: date(v.CreatedAt), DateUpdated: date(updatedAt(v))},
		SendCodeAttempts: attempts, URL: a.url(servicePath(v.ServiceSID) + "/Verifications/" + v.ID)}
}

// updatedAt is when v last changed, as far as its record tells: its
// newest send or that send's newest status.
func updatedAt(v phonegate.Verification) time.Time {
	t := v.CreatedAt
	for _, d := range v.Attempts {
		if d.UpdatedAt.After(t) {
			t = d.UpdatedAt
		}
	}
	return t
}

// serviceHandler is a route of a service's verifications: it runs once
// the request's parameters are read and the service of its path found.
type serviceHandler func(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal, svc phonegate.VerifyService) error

// forService reads r's parameters and finds the service its path names
// (see lookupService), then runs h.
func (a *API) forService(h serviceHandler) handler {
	return func(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error {
		if err := parseForm(w, r); err != nil {
			return err
		}
		svc, err := a.lookupService(r, p)
		if err != nil {
			return err
		}
		return h(w, r, p, svc)
	}
}

// writeVerification answers v with status, or Verify's answer to err.
func (a *API) writeVerification(w http.ResponseWriter, status int, v phonegate.Verification, err error, p phonegate.APIPrincipal) error {
	if err != nil {
		return a.verifyAnswer(err)
	}
	writeJSON(w, status, a.verificationOut(v, p))
	return nil
}

// createVerification is POST /v2/Services/{VA}/Verifications: To and
// Channel (sms or call), with CustomFriendlyName for the name the code
// is sent under and Locale, which phonegate takes and does not use (it
// speaks English); 201 with the verification, pending.
func (a *API) createVerification(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal, svc phonegate.VerifyService) error {
	to, ok := formString(r, "To")
	if !ok || strings.TrimSpace(to) == "" {
		return invalidParam("To")
	}
	channel, ok := formString(r, "Channel")
	if !ok {
		return invalidParam("Channel")
	}
	custom, _ := formString(r, "CustomFriendlyName")
	v, err := a.svc.StartVerification(r.Context(), phonegate.VerificationRequest{ServiceSID: svc.SID,
		ProjectID: svc.ProjectID, Name: svc.FriendlyName, CustomName: strings.TrimSpace(custom),
		CodeLength: svc.CodeLength, To: to, Channel: strings.ToLower(channel)})
	return a.writeVerification(w, http.StatusCreated, v, err, p)
}

// fetchVerification is GET /v2/Services/{VA}/Verifications/{VE or To}.
func (a *API) fetchVerification(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal, svc phonegate.VerifyService) error {
	v, err := a.svc.FindVerification(r.Context(), svc.SID, param(r, "vsid"))
	return a.writeVerification(w, http.StatusOK, v, err, p)
}

// updateVerification is POST /v2/Services/{VA}/Verifications/{VE or To}
// with Status canceled or approved.
func (a *API) updateVerification(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal, svc phonegate.VerifyService) error {
	status, _ := formString(r, "Status")
	v, err := a.svc.UpdateVerification(r.Context(), svc.SID, param(r, "vsid"), strings.ToLower(strings.TrimSpace(status)))
	return a.writeVerification(w, http.StatusOK, v, err, p)
}

// checkVerification is POST /v2/Services/{VA}/VerificationCheck: Code,
// with To or VerificationSid; 200 with approved (valid) or pending.
func (a *API) checkVerification(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal, svc phonegate.VerifyService) error {
	target, _ := formString(r, "VerificationSid")
	if strings.TrimSpace(target) == "" {
		target, _ = formString(r, "To")
	}
	code, _ := formString(r, "Code")
	v, err := a.svc.CheckVerification(r.Context(), svc.SID, strings.TrimSpace(target), code)
	if err != nil {
		return a.verifyAnswer(err)
	}
	writeJSON(w, http.StatusOK, verificationCheckJSON{verificationFields: a.verificationOut(v, p).verificationFields})
	return nil
}
