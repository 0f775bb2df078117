package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"

	"github.com/phonegate/phonegate"
)

// The account page's forms for factors beside the phone.
const (
	formFactor = "factor" // add or remove an authenticator app
	formApp    = "app"    // confirm a new app with its first code
)

// factorRow is one factor beside the phone, as the account page lists it.
type factorRow struct {
	ID        int64
	Kind      string // "authenticator app", "passkey"
	App       bool   // an authenticator app, rather than a passkey
	Name      string
	Added     string
	LastUsed  string // "" when never used
	Confirmed bool
}

// factorRows lists the user's factors for the account page.
func (s *Server) factorRows(r *http.Request) ([]factorRow, error) {
	fs, err := s.svc.Factors(r.Context(), authFrom(r).user)
	if err != nil {
		return nil, err
	}
	rows := make([]factorRow, 0, len(fs))
	for _, f := range fs {
		row := factorRow{ID: f.ID, Kind: phonegate.FactorWords(f.Kind), App: f.Kind == phonegate.FactorTOTP, Name: f.Name,
			Added: when(f.CreatedAt), Confirmed: f.Confirmed()}
		if !f.LastUsedAt.IsZero() {
			row.LastUsed = when(f.LastUsedAt)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// appPage shows a new authenticator app's secret, once, and asks for its
// first code.
type appPage struct {
	page
	Email  string
	Secret string       // empty once shown
	QR     template.URL // the otpauth:// URL as a PNG, a data: URL
}

// addApp makes a new authenticator-app secret after the password, and
// sends the user to the page that shows it once. The phone stays the
// anchor: an app comes only beside a verified phone.
func (s *Server) addApp(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if !a.user.PhoneVerified {
		return s.accountError(w, r, formFactor, "Verify a phone first: an authenticator app comes beside it.")
	}
	if ok, err := s.factorPassword(w, r); !ok {
		return err
	}
	err := s.svc.StartTOTP(r.Context(), a.user, a.sess)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.accountError(w, r, formFactor, msg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/account/app", http.StatusSeeOther)
	return nil
}

// appShown shows the new secret, as a QR code and as text, once: it is
// taken from its one-time row as the page is made. The confirm form stays
// while the app waits for its first code.
func (s *Server) appShown(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	rows, err := s.factorRows(r)
	if err != nil {
		return err
	}
	waiting := false
	for _, f := range rows {
		waiting = waiting || !f.Confirmed
	}
	if !waiting {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
	shown, _, err := s.svc.TOTPEnrollment(r.Context(), a.user, a.sess)
	if err != nil {
		return err
	}
	p := &appPage{page: page{Title: "Add an authenticator app"}, Email: a.user.Email, Secret: shown.Secret}
	if len(shown.PNG) > 0 {
		p.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(shown.PNG))
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	s.render(w, r, http.StatusOK, "app", p)
	return nil
}

// confirmApp makes the new app count once its first code is right.
func (s *Server) confirmApp(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	err := s.svc.ConfirmTOTP(r.Context(), a.user, r.PostFormValue("code"))
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.formError(w, r, "/account/app", formApp, msg, nil)
	}
	if err != nil {
		return err
	}
	return s.done(w, r, "/account", "The authenticator app was added: at login, you may type its code instead of the one sent to your phone.")
}

// removeFactor removes a factor after the password: a stolen session
// cookie must not be able to take away the owner's app or passkey, nor a
// half-added app stay.
func (s *Server) removeFactor(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if ok, err := s.factorPassword(w, r); !ok {
		return err
	}
	id, err := strconv.ParseInt(r.PostFormValue("factor"), 10, 64)
	if err != nil {
		return s.accountError(w, r, formFactor, "That factor does not exist.")
	}
	f, err := s.svc.RemoveFactor(r.Context(), a.user, id)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.accountError(w, r, formFactor, msg)
	}
	if err != nil {
		return err
	}
	if f.Kind == phonegate.FactorPasskey {
		return s.done(w, r, "/account", "The passkey “"+f.Name+"” was removed.")
	}
	return s.done(w, r, "/account", "The authenticator app was removed.")
}

// factorPassword re-checks the password of a factor's form; when it is
// wrong, the answer (back to the account page) is written and ok is false.
func (s *Server) factorPassword(w http.ResponseWriter, r *http.Request) (ok bool, err error) {
	ok, err = s.recheckPassword(r, r.PostFormValue("password"))
	if err != nil || ok {
		return ok, err
	}
	return false, s.accountError(w, r, formFactor, msgWrongPassword)
}

// factorRoutes lists the routes of factors beside the phone: the account
// page's, and the code page's way to use them.
func (s *Server) factorRoutes() []route {
	return []route{
		post("/account/app", accessFull, s.addApp),
		get("/account/app", accessFull, s.appShown),
		post("/account/app/confirm", accessFull, s.confirmApp),
		post("/account/passkey/options", accessFull, s.passkeyOptions),
		post("/account/passkey", accessFull, s.addPasskey),
		post("/account/factors/remove", accessFull, s.removeFactor),
		post("/verify/app", accessPending, s.verifyApp),
		post("/verify/passkey/options", accessPending, s.verifyPasskeyOptions),
		post("/verify/passkey", accessPending, s.verifyPasskey),
	}
}
