package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/phonegate/phonegate"
)

// A reveal is a secret that one page shows once: it waits, sealed with
// the server key, in a row tied to the session (never in a cookie, a URL or
// a log), and the page that shows it deletes it in the same statement.

// revealLabel binds a sealed reveal to its kind and user, so that a sealed
// value cannot be replayed as another kind or for another user.
func revealLabel(kind string, userID int64) string {
	return "reveal " + kind + " " + strconv.FormatInt(userID, 10)
}

// keepReveal keeps secret for the session's next page of that kind.
func (s *Server) keepReveal(r *http.Request, kind, secret string) error {
	a := authFrom(r)
	sealed := s.cfg.Keys.Seal(revealLabel(kind, a.user.ID), secret)
	return s.db.SetReveal(r.Context(), a.sess.TokenHash, kind, sealed, s.now())
}

// takeReveal returns the secret kept for the session and forgets it; ok is
// false when it was shown already.
func (s *Server) takeReveal(r *http.Request, kind string) (secret string, ok bool, err error) {
	a := authFrom(r)
	sealed, err := s.db.TakeReveal(r.Context(), a.sess.TokenHash, kind)
	if errors.Is(err, phonegate.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	secret, err = s.cfg.Keys.Open(revealLabel(kind, a.user.ID), sealed)
	if err != nil {
		return "", false, err
	}
	return secret, true, nil
}

// newEmergencyCode makes an emergency code and its Argon2id hash. Only the
// hash is ever stored; the code is shown once.
func (s *Server) newEmergencyCode(r *http.Request) (code, hash string, err error) {
	code = phonegate.NewEmergencyCode()
	hash, err = s.cfg.Hasher.Hash(r.Context(), code)
	return code, hash, err
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
		Next: nextPath(r),
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
	code, hash, err := s.newEmergencyCode(r)
	if err != nil {
		return err
	}
	if err := s.db.SetEmergencyHash(r.Context(), a.user.ID, hash, s.now()); err != nil {
		return err
	}
	if err := s.keepReveal(r, phonegate.RevealEmergency, code); err != nil {
		return err
	}
	s.log.Info().Int64("user", a.user.ID).Msg("emergency code regenerated")
	s.notifyEmergencyRenewed(r.Context(), a.user)
	http.Redirect(w, r, "/phone/done?next=%2Faccount", http.StatusSeeOther)
	return nil
}
