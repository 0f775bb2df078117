package handlers

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

// verifyForm is the code page. It shows the session's challenge, making a
// login challenge when the session needs one and has none, but it never
// sends anything: the user picks the method. A challenge that an SMS reply
// approved is claimed here, as a right code would be.
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	now := s.now()
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	if found && c.State == store.ChallengeApproved && c.Live(now) {
		return s.claimApproved(w, r, c)
	}
	// An enrollment stays on the page while it can still pass, or, once
	// ended, while it may be renewed from there (the page offers to send a
	// new code); otherwise the gate decides.
	if found && c.Purpose == store.PurposeEnroll && unfinished(c) && (c.Live(now) || renewable(a.user)) {
		return s.renderVerify(w, r, c, http.StatusOK, "")
	}
	g, err := s.gate(r)
	if err != nil {
		return err
	}
	switch g.step {
	case stepVerify:
	case "":
		http.Redirect(w, r, nextPath(r), http.StatusSeeOther)
		return nil
	default:
		http.Redirect(w, r, withNext(g.step, r), http.StatusSeeOther)
		return nil
	}
	if !found || c.Purpose != store.PurposeLogin || !unfinished(c) || c.Phone != a.user.Phone {
		if c, err = s.newChallenge(r, store.PurposeLogin, a.user.Phone, g.project.Name); err != nil {
			return err
		}
	}
	return s.renderVerify(w, r, c, http.StatusOK, "")
}

// unfinished reports whether a challenge is still the one the page is about:
// not passed and not cancelled (it may have died or expired, which the
// page then says).
func unfinished(c store.Challenge) bool {
	return c.State != store.ChallengeUsed && c.State != store.ChallengeCancelled
}

// claimApproved completes a challenge that an SMS reply approved.
func (s *Server) claimApproved(w http.ResponseWriter, r *http.Request, c store.Challenge) error {
	next, err := s.completeChallenge(w, r, c, store.Pass{Claim: true})
	if errors.Is(err, store.ErrCodeRefused) {
		return s.renderVerify(w, r, c, http.StatusUnauthorized, msgCodeInvalid)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// verifyCode checks a typed code. The check is counted before the
// comparison (store.TakeCheck); a wrong code counts toward the challenge's
// death and the user's lock; a right one is consumed by exactly one request.
// Every refusal says the same thing; the notices say what to do next.
func (s *Server) verifyCode(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	ctx := r.Context()
	now := s.now()
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	if !found {
		http.Redirect(w, r, withNext(stepVerify, r), http.StatusSeeOther)
		return nil
	}
	if c.State == store.ChallengeApproved && c.Live(now) {
		return s.claimApproved(w, r, c)
	}
	code := normalizeCode(r.PostFormValue("code"))
	if s.locked(a.user) || code == "" {
		return s.renderVerify(w, r, c, http.StatusUnauthorized, msgCodeInvalid)
	}
	mac, err := s.db.TakeCheck(ctx, c.ID, a.sess.TokenHash, now)
	if errors.Is(err, store.ErrCodeRefused) {
		return s.refuseCode(w, r, msgCodeInvalid)
	}
	if err != nil {
		return err
	}
	if !s.cfg.Keys.CheckCode(c.ID, code, mac) {
		f, err := s.db.FailSecondFactor(ctx, a.user.ID, c.ID, "wrong code for "+phonegate.MaskPhone(c.Phone), now)
		if err != nil {
			return err
		}
		s.log.Info().Int64("user", a.user.ID).Bool("challenge_dead", f.ChallengeDead).Bool("locked", f.Locked).
			Msg("wrong code")
		s.noteFailedCode(r)
		return s.refuseCode(w, r, msgCodeInvalid)
	}
	next, err := s.completeChallenge(w, r, c, store.Pass{})
	if errors.Is(err, store.ErrCodeRefused) {
		return s.refuseCode(w, r, msgCodeInvalid)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// refuseCode shows the code page again with msg, reading the challenge and the
// user afresh so that the notices (dead, locked) are current.
func (s *Server) refuseCode(w http.ResponseWriter, r *http.Request, msg string) error {
	a := authFrom(r)
	u, err := s.db.User(r.Context(), a.user.ID)
	if err != nil {
		return err
	}
	a.user = u
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	if !found {
		return &userError{status: http.StatusUnauthorized, msg: msg}
	}
	return s.renderVerify(w, r, c, http.StatusUnauthorized, msg)
}
