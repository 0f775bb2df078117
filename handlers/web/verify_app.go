package web

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

// Factors the code page may offer beside the phone, by name.
const (
	offerPasskey = "passkey"
	offerApp     = "app"
)

// factorChoice is what the code page offers of the user's factors beside
// the phone, and in which order: the one the user last set up or passed
// with first, the phone's code otherwise; the others after it, strongest
// (a passkey) first.
type factorChoice struct {
	Passkey bool     // the user has a passkey: its button is shown (by the script)
	App     bool     // the user has a confirmed app: its code box is shown
	First   string   // offerPasskey, offerApp, or "" for the phone's code
	Before  []string // the factors shown above the phone's code, in order
	After   []string // the factors shown below it, in order
}

// factorChoiceOf reads the factors' part of the code page for challenge
// c: a login only (verifying a new phone takes the code sent to it), and
// not while the lock holds.
func (s *Server) factorChoiceOf(r *http.Request, c phonegate.Challenge, st codeState) (factorChoice, error) {
	var fc factorChoice
	if c.Purpose == phonegate.PurposeEnroll || st.Kind == codeLocked {
		return fc, nil
	}
	u := authFrom(r).user
	key, keyFirst, err := s.svc.HasPasskey(r.Context(), u)
	if err != nil {
		return fc, err
	}
	app, appFirst, err := s.svc.HasTOTP(r.Context(), u)
	if err != nil {
		return fc, err
	}
	fc.Passkey, fc.App = key, app
	switch {
	case keyFirst:
		fc.First = offerPasskey
	case appFirst:
		fc.First = offerApp
	}
	var order []string
	if key {
		order = append(order, offerPasskey)
	}
	if app {
		order = append(order, offerApp)
	}
	if fc.First == "" {
		fc.After = order
		return fc, nil
	}
	fc.Before = []string{fc.First}
	for _, f := range order {
		if f != fc.First {
			fc.Before = append(fc.Before, f)
		}
	}
	return fc, nil
}

// verifyApp accepts the code of the user's authenticator app in place of
// a code sent to the phone (phonegate.Service.UseTOTP): the session is
// renewed with the second factor passed now and the computer trusted
// where a project's level allows, as after a code. A refusal goes back to
// the code page, whose state shows the lock when it holds.
func (s *Server) verifyApp(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	p, err := s.svc.UseTOTP(r.Context(), a.user, a.sess, s.trustToken(r), r.PostFormValue("app_code"))
	return s.passedFactor(w, r, p, err)
}

// passedFactor answers a factor's use beside the phone, whose outcome is
// p and err: a refusal back to the code page, a pass onward.
func (s *Server) passedFactor(w http.ResponseWriter, r *http.Request, p phonegate.Passed, err error) error {
	if errors.Is(err, phonegate.ErrCodeRefused) || phonegate.ErrorMessage(err) != "" {
		return s.backToVerify(w, r, phonegate.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	a := authFrom(r)
	if err := s.renewSession(w, r, s.now()); err != nil {
		return err
	}
	a.user = p.User
	if p.Trust {
		if err := s.trustThisComputer(w, r); err != nil {
			return err
		}
	}
	http.Redirect(w, r, s.nextPath(r), http.StatusSeeOther)
	return nil
}
