package web

import (
	"net/http"
)

// revokeOtherSessions ends every session of the user but this one, after
// the password: a stolen session cookie must not be able to throw the
// owner out. A wrong password counts toward the limit of failed logins,
// as at login.
func (s *Server) revokeOtherSessions(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	if ok, err := s.recheckPassword(r, r.PostFormValue("password")); err != nil {
		return err
	} else if !ok {
		return s.accountError(w, r, formOthers, msgWrongPassword)
	}
	done, err := s.svc.LogOutOthers(r.Context(), a.user, a.sess)
	if err != nil {
		return err
	}
	return s.done(w, r, "/account", done)
}

// formOthers names the account page's "Log out all other sessions" form.
const formOthers = "others"
