package web

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

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
	s.clearCookie(w, s.trustCookie())
	http.Redirect(w, r, withNext(stepPhone, r), http.StatusSeeOther)
	return nil
}
