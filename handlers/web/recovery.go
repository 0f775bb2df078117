package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

// RevealRecovery is the kind of reveal that shows an admin, once, the
// recovery code of the member whose second factor they reset.
const RevealRecovery = "recovery"

type reenrollPage struct {
	page
	Next string
	// Reason is store.ReenrollEmergency or store.ReenrollReset.
	Reason string
	// Recovery shows the recovery code field: a code waits to be typed.
	Recovery bool
	// Expired says that the recovery code expired unused.
	Expired bool
	// Orphaned says that the session that could verify the phone ended.
	Orphaned bool
}

// reenrollRefusal shows, instead of the phone page, why this session may
// not verify a phone, when the user's next phone is bound to another
// session (the one that used the emergency code) or needs the recovery
// code that an admin's reset issued. It reports whether it answered. The
// store refuses such an enrollment anyway; this page says why in words.
func (s *Server) reenrollRefusal(w http.ResponseWriter, r *http.Request, status int, msg string) (bool, error) {
	a := authFrom(r)
	re, refused, err := s.svc.ReenrollRefusal(r.Context(), a.user, a.sess)
	if err != nil || !refused {
		return false, err
	}
	p := &reenrollPage{page: page{Title: "Verify your phone", Error: msg}, Next: s.nextPath(r), Reason: re.Reason,
		Recovery: re.RecoveryLive, Expired: re.RecoveryExpired, Orphaned: re.Orphaned}
	if msg == "" && s.locked(a.user) && re.RecoveryLive {
		p.Error = phonegate.MsgSecondFactorLocked
	}
	s.render(w, r, status, "reenroll", p)
	return true, nil
}

// useRecovery takes the recovery code an admin's reset issued
// (phonegate.Service.UseRecoveryCode). A refusal goes back to the phone
// page, which says why (post, redirect, get): a reload never sends the
// code again.
func (s *Server) useRecovery(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	err := s.svc.UseRecoveryCode(r.Context(), a.user, a.sess, r.PostFormValue("recovery_code"))
	if errors.Is(err, phonegate.ErrCodeRefused) {
		return s.formError(w, r, s.withNext(stepPhone, r), "", phonegate.ErrorMessage(err), nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, s.withNext(stepPhone, r), http.StatusSeeOther)
	return nil
}

type recoveryPage struct {
	page
	Project phonegate.Project
	Shown   bool   // the code was shown already
	Email   string // the member whose second factor was reset
	Code    string
	Hours   int
	Mailed  bool // the notice of the reset carries the code to the member's email
}

// recoveryShown shows the admin who reset a member's second factor the
// member's one-time recovery code, once.
func (s *Server) recoveryShown(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	secret, ok, err := s.takeReveal(r, RevealRecovery)
	if err != nil {
		return err
	}
	email, code, _ := strings.Cut(secret, "\n")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	s.render(w, r, http.StatusOK, "recovery", &recoveryPage{page: page{Title: "Recovery code"},
		Project: m.Project, Shown: !ok, Email: email, Code: code, Hours: int(phonegate.RecoveryLife / time.Hour),
		Mailed: s.mail != nil})
	return nil
}
