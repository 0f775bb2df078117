package web

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
)

// verifyForm is the code page. It shows the session's challenge, making a
// login challenge when the session needs one and has none, but it never
// sends anything: the user picks the method. A challenge that an SMS reply
// approved is claimed here, as a right code would be. A challenge that
// ended stays on the page, which says why (codeStateOf) and offers a new
// code; only a passed one, or one for another phone, is replaced.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	now := s.now()
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	if found && c.State == phonegate.ChallengeApproved && c.Live(now) {
		return s.claimApproved(w, r, c)
	}
	// An enrollment stays on the page while it can still pass, or, once
	// ended, while it may be renewed from there (the page offers to send a
	// new code); otherwise the gate decides.
	if found && c.Purpose == phonegate.PurposeEnroll && c.State != phonegate.ChallengeUsed && (c.Live(now) || phonegate.Renewable(a.user)) {
		return s.renderVerify(w, r, c, http.StatusOK, "")
	}
	g, err := s.gate(r)
	if err != nil {
		return err
	}
	switch g.step {
	case stepVerify:
	case "":
		http.Redirect(w, r, s.nextPath(r), http.StatusSeeOther)
		return nil
	default:
		http.Redirect(w, r, s.withNext(g.step, r), http.StatusSeeOther)
		return nil
	}
	if c, err = s.svc.LoginChallenge(r.Context(), a.user, a.sess, c, found, g.project.Name); err != nil {
		return err
	}
	return s.renderVerify(w, r, c, http.StatusOK, "")
}

// claimApproved completes a challenge that an SMS reply approved.
func (s *Server) claimApproved(w http.ResponseWriter, r *http.Request, c phonegate.Challenge) error {
	next, err := s.completeChallenge(w, r, c, phonegate.Pass{Claim: true})
	if errors.Is(err, phonegate.ErrCodeRefused) {
		if r.Method == http.MethodGet {
			return s.renderVerify(w, r, c, http.StatusOK, "")
		}
		return s.backToVerify(w, r, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// verifyCode checks a typed code (phonegate.Service.CheckCode); a right
// one is consumed by exactly one request. Every outcome but a pass goes
// back to the code page (post, redirect, get), whose state says what
// happened: tries left, a dead code, the lock. A code typed before
// anything was sent is neither checked nor counted: nobody can know it yet.
func (s *Server) verifyCode(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	now := s.now()
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	if !found {
		http.Redirect(w, r, s.withNext(stepVerify, r), http.StatusSeeOther)
		return nil
	}
	if c.State == phonegate.ChallengeApproved && c.Live(now) {
		return s.claimApproved(w, r, c)
	}
	err = s.svc.CheckCode(r.Context(), a.user, a.sess, c, r.PostFormValue("code"))
	if errors.Is(err, phonegate.ErrCodeRefused) || phonegate.ErrorCode(err) == phonegate.EInvalid {
		return s.backToVerify(w, r, phonegate.ErrorMessage(err))
	}
	if err != nil {
		return err
	}
	next, err := s.completeChallenge(w, r, c, phonegate.Pass{})
	if errors.Is(err, phonegate.ErrCodeRefused) {
		return s.backToVerify(w, r, "")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// backToVerify answers a form of the code page that did not pass: 303 to
// the code page, which shows the challenge's state afresh, with msg
// flashed as an error when the state does not say it already. A code or
// an emergency code that did not pass counts toward the per-address limit
// of its route as the refusal it is.
func (s *Server) backToVerify(w http.ResponseWriter, r *http.Request, msg string) error {
	failedAttempt(r)
	if msg != "" {
		s.flash(w, r, flashError, msg)
	}
	http.Redirect(w, r, s.withNext(stepVerify, r), http.StatusSeeOther)
	return nil
}

// sessionChallenge returns the session's newest challenge, whatever its
// state; found is false when the session never had one.
func (s *Server) sessionChallenge(r *http.Request) (c phonegate.Challenge, found bool, err error) {
	a := authFrom(r)
	return s.svc.SessionChallenge(r.Context(), a.user, a.sess)
}

// locked reports whether the user's second factor is locked now.
func (s *Server) locked(u phonegate.User) bool { return s.svc.Locked(u) }

// completeChallenge finishes a challenge that was answered: by a right
// code, or by an SMS reply that approved it (pass.Claim). The service
// consumes it (phonegate.Service.PassChallenge: exactly one caller wins;
// the others get phonegate.ErrCodeRefused); here the session token is
// renewed with the second factor passed now and the computer trusted where
// the service says a project's level allows. It returns where to go next:
// after an enrollment, the page that shows the new emergency code.
func (s *Server) completeChallenge(w http.ResponseWriter, r *http.Request, c phonegate.Challenge, pass phonegate.Pass) (string, error) {
	a := authFrom(r)
	p, err := s.svc.PassChallenge(r.Context(), a.user, a.sess, s.trustToken(r), c, pass)
	if err != nil {
		return "", err
	}
	if err := s.renewSession(w, r, s.now()); err != nil {
		return "", err
	}
	a.user = p.User
	if p.Trust {
		if err := s.trustThisComputer(w, r); err != nil {
			return "", err
		}
	}
	next := s.nextPath(r)
	if p.Enrolled {
		if next == "/" {
			return stepEmergency, nil
		}
		return stepEmergency + "?next=" + urlQueryEscape(next), nil
	}
	return next, nil
}
