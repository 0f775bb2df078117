package handlers

import (
	"fmt"
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
	n, err := s.db.EndOtherSessions(r.Context(), a.user.ID, a.sess.TokenHash, s.now())
	if err != nil {
		return err
	}
	s.log.Info().Int64("user", a.user.ID).Int("sessions", n).Msg("other sessions logged out")
	return s.done(w, r, "/account", othersLoggedOut(n))
}

// formOthers names the account page's "Log out all other sessions" form.
const formOthers = "others"

// othersLoggedOut says how many other sessions were logged out.
func othersLoggedOut(n int) string {
	switch {
	case n == 0:
		return "No other session was open: there was nothing to log out."
	case n == 1:
		return "1 other session was logged out."
	}
	return fmt.Sprintf("%d other sessions were logged out.", n)
}
