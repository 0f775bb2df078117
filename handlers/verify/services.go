package verify

import (
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// serviceRoutes are the Services routes.
func (a *API) serviceRoutes() []httpx.Route {
	return []httpx.Route{
		a.route(http.MethodPost, "/v2/Services", a.createService),
		a.route(http.MethodGet, "/v2/Services", a.listServices),
		a.route(http.MethodGet, "/v2/Services/:sid", a.fetchService),
		a.route(http.MethodPost, "/v2/Services/:sid", a.updateService),
		a.route(http.MethodDelete, "/v2/Services/:sid", a.deleteService),
	}
}

// lookupService returns the service named by r's "sid" parameter, of the
// principal's project; 404 with 20404 for another project's, as for one
// that does not exist.
func (a *API) lookupService(r *http.Request, p phonegate.APIPrincipal) (phonegate.VerifyService, error) {
	v, err := a.svc.VerifyService(r.Context(), p, param(r, "sid"))
	if phonegate.ErrorCode(err) == phonegate.ENotFound {
		return phonegate.VerifyService{}, notFound(r)
	}
	return v, err
}

// serviceJSON is a service as Verify v2 answers it: the fields twilio-go's
// VerifyV2Service has, the features phonegate has not as false or null
// (a call always asks for a key press first, so dtmf_input_required is
// true).
type serviceJSON struct {
	SID                            string            `json:"sid"`
	AccountSID                     string            `json:"account_sid"`
	FriendlyName                   string            `json:"friendly_name"`
	CodeLength                     int               `json:"code_length"`
	LookupEnabled                  bool              `json:"lookup_enabled"`
	Psd2Enabled                    bool              `json:"psd2_enabled"`
	SkipSmsToLandlines             bool              `json:"skip_sms_to_landlines"`
	DtmfInputRequired              bool              `json:"dtmf_input_required"`
	TtsName                        *string           `json:"tts_name"`
	DoNotShareWarningEnabled       bool              `json:"do_not_share_warning_enabled"`
	CustomCodeEnabled              bool              `json:"custom_code_enabled"`
	Push                           any               `json:"push"`
	Totp                           any               `json:"totp"`
	DefaultTemplateSID             *string           `json:"default_template_sid"`
	Whatsapp                       any               `json:"whatsapp"`
	Passkeys                       any               `json:"passkeys"`
	VerifyEventSubscriptionEnabled bool              `json:"verify_event_subscription_enabled"`
	DateCreated                    string            `json:"date_created"`
	DateUpdated                    string            `json:"date_updated"`
	URL                            string            `json:"url"`
	Links                          map[string]string `json:"links"`
}

// servicePath is the path of service sid.
func servicePath(sid string) string { return "/v2/Services/" + sid }

// serviceOut is v as answered to the principal p.
func (a *API) serviceOut(v phonegate.VerifyService, p phonegate.APIPrincipal) serviceJSON {
	u := a.url(servicePath(v.SID))
	return serviceJSON{SID: v.SID, AccountSID: p.AccountSID, FriendlyName: v.FriendlyName, CodeLength: v.CodeLength,
		DtmfInputRequired: true, DateCreated: date(v.CreatedAt), DateUpdated: date(v.UpdatedAt), URL: u,
		Links: map[string]string{"verifications": u + "/Verifications", "verification_checks": u + "/VerificationCheck"}}
}

// createService is POST /v2/Services: FriendlyName (required) and
// CodeLength (4 to 10, 6 when not sent); 201 with the service.
func (a *API) createService(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	name, ok := formString(r, "FriendlyName")
	if !ok {
		return invalidParam("FriendlyName")
	}
	n, sent, err := formInt(r, "CodeLength")
	if err != nil {
		return err
	}
	if sent && n == 0 {
		return invalidParam("CodeLength")
	}
	v, err := a.svc.CreateVerifyService(r.Context(), p, name, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a.serviceOut(v, p))
	return nil
}

// listServices is GET /v2/Services, in Twilio's pages.
func (a *API) listServices(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	pg, err := parsePage(r)
	if err != nil {
		return err
	}
	vs, err := a.svc.VerifyServices(r.Context(), p, pg.Offset(), pg.Limit())
	if err != nil {
		return err
	}
	vs, more := cut(vs, pg)
	out := make([]serviceJSON, 0, len(vs))
	for _, v := range vs {
		out = append(out, a.serviceOut(v, p))
	}
	writeJSON(w, http.StatusOK, struct {
		Services []serviceJSON `json:"services"`
		Meta     meta          `json:"meta"`
	}{out, a.pageMeta("/v2/Services", "services", pg, more)})
	return nil
}

// fetchService is GET /v2/Services/{VA…}.
func (a *API) fetchService(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error {
	v, err := a.lookupService(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.serviceOut(v, p))
	return nil
}

// updateService is POST /v2/Services/{VA…}: FriendlyName and CodeLength,
// each changed only when sent.
func (a *API) updateService(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	var u phonegate.VerifyServiceUpdate
	if name, ok := formString(r, "FriendlyName"); ok {
		u.FriendlyName = &name
	}
	n, sent, err := formInt(r, "CodeLength")
	if err != nil {
		return err
	}
	if sent {
		u.CodeLength = &n
	}
	v, err := a.svc.UpdateVerifyService(r.Context(), p, param(r, "sid"), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.serviceOut(v, p))
	return nil
}

// deleteService is DELETE /v2/Services/{VA…}: 204.
func (a *API) deleteService(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error {
	if err := a.svc.DeleteVerifyService(r.Context(), p, param(r, "sid")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
