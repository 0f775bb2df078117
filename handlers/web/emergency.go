package web

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

// keepReveal keeps secret for the session's next page of that kind
// (phonegate.Service.KeepReveal).
func (s *Server) keepReveal(r *http.Request, kind, secret string) error {
	a := authFrom(r)
	return s.svc.KeepReveal(r.Context(), a.user.ID, a.sess, kind, secret)
}

// takeReveal returns the secret kept for the session and forgets it; ok is
// false when it was shown already (phonegate.Service.TakeReveal).
func (s *Server) takeReveal(r *http.Request, kind string) (secret string, ok bool, err error) {
	a := authFrom(r)
	return s.svc.TakeReveal(r.Context(), a.user.ID, a.sess, kind)
}

type emergencyPage struct {
	page
	Code string // empty once shown
	Next string
}

// emergencyDone shows the new emergency code, once: the code is taken from
// its one-time row as the page is made, so a reload finds nothing. The
// page must not be kept by the browser or anything between.
func (s *Server) emergencyDone(w http.ResponseWriter, r *http.Request) error {
	code, _, err := s.takeReveal(r, phonegate.RevealEmergency)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	s.render(w, r, http.StatusOK, "emergency", &emergencyPage{
		page: page{Title: "Save your emergency code"},
		Code: code,
		Next: continueLink(s.nextPath(r)),
	})
	return nil
}

// regenerateEmergency makes a new emergency code after the password: the
// old one dies at once and the new one is shown once.
func (s *Server) regenerateEmergency(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if !a.user.PhoneVerified {
		return s.accountError(w, r, formEmergency, "Verify a phone first: the emergency code comes with it.")
	}
	if ok, err := s.recheckPassword(r, r.PostFormValue("password")); err != nil {
		return err
	} else if !ok {
		return s.accountError(w, r, formEmergency, msgWrongPassword)
	}
	if err := s.svc.RenewEmergencyCode(r.Context(), a.user, a.sess); err != nil {
		return err
	}
	http.Redirect(w, r, "/phone/done?next=%2Faccount", http.StatusSeeOther)
	return nil
}

// verifyEmergency accepts the emergency code in place of a code, once
// (phonegate.Service.UseEmergencyCode). The user gets in for this login,
// with the session renewed and the computer's trust cookie dropped, and
// the gate sends them to verify a phone before anything else. A refusal
// goes back to the code page, which shows the lock when it holds (and then
// no emergency-code form). Every answer is a redirect (post, redirect, get).
func (s *Server) verifyEmergency(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	err := s.svc.UseEmergencyCode(r.Context(), a.user, a.sess, r.PostFormValue("emergency_code"))
	if errors.Is(err, phonegate.ErrCodeRefused) {
		return s.backToVerify(w, r, phonegate.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	if err := s.renewSession(w, r, s.now()); err != nil {
		return err
	}
	s.setTrustCookie(w, "", -1)
	http.Redirect(w, r, s.withNext(stepPhone, r), http.StatusSeeOther)
	return nil
}
