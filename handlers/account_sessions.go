package handlers

import (
	"fmt"
	"net/http"
	"strconv"
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
		return s.accountFail(w, r, http.StatusUnauthorized, msgWrongPassword)
	}
	n, err := s.db.EndOtherSessions(r.Context(), a.user.ID, a.sess.TokenHash, s.now())
	if err != nil {
		return err
	}
	s.log.Info().Int64("user", a.user.ID).Int("sessions", n).Msg("other sessions logged out")
	http.Redirect(w, r, "/account?done=others&n="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

// accountFlash is the confirmation the account page shows after a
// redirect: one of flashMessages, or how many sessions were logged out.
// Only fixed words and a number read strictly come from the URL.
func accountFlash(r *http.Request) string {
	q := r.URL.Query()
	if q.Get("done") != "others" {
		return flashMessages[q.Get("done")]
	}
	n, err := strconv.Atoi(q.Get("n"))
	switch {
	case err != nil || n < 0:
		return "Your other sessions were logged out."
	case n == 0:
		return "No other session was open: there was nothing to log out."
	case n == 1:
		return "1 other session was logged out."
	}
	return fmt.Sprintf("%d other sessions were logged out.", n)
}
