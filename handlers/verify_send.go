package handlers

import (
	"errors"
	"net/http"

	"github.com/phonegate/phonegate/store"
)

// verifySend sends the session's code by the chosen channel ("sms" or
// "call"): the first send, a resend or the other method. When the challenge
// has ended (expired, killed by wrong codes), a new one like it is made
// first. The send limits are the store's (sendCode): a refusal is shown on
// the page in words.
func (s *Server) verifySend(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	channel := r.PostFormValue("channel")
	if channel != store.ChannelSMS && channel != store.ChannelCall {
		return badRequest("Choose a text message or a call.")
	}
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	now := s.now()
	if found && c.State == store.ChallengeApproved && c.Live(now) {
		return s.claimApproved(w, r, c)
	}
	if s.locked(a.user) {
		if !found {
			return &userError{status: http.StatusTooManyRequests, msg: noticeLocked}
		}
		return s.renderVerify(w, r, c, http.StatusTooManyRequests, noticeLocked)
	}
	if !found || !c.Live(now) {
		var dest string
		if c, dest, err = s.replaceChallenge(r, c, found); err != nil || dest != "" {
			if err == nil {
				http.Redirect(w, r, dest, http.StatusSeeOther)
			}
			return err
		}
	}
	return s.sendThenVerify(w, r, c, channel)
}

// sendThenVerify sends the challenge's code by channel and moves to the
// code page. A send the user can do something about is shown on the code
// page itself: the challenge stands, and the page offers the other method.
func (s *Server) sendThenVerify(w http.ResponseWriter, r *http.Request, c store.Challenge, channel string) error {
	if _, err := s.sendCodeFrom(r.Context(), c, channel, s.sendAddr(r), false); err != nil {
		var ue *userError
		if errors.As(err, &ue) {
			return s.renderVerify(w, r, c, ue.status, ue.msg)
		}
		return err
	}
	http.Redirect(w, r, withNext(stepVerify, r), http.StatusSeeOther)
	return nil
}

// replaceChallenge makes a new challenge in place of one that ended: to the
// same phone for an enrollment that may still be renewed, else a login
// challenge if the session still needs one. dest is where to go instead
// when there is nothing to verify.
func (s *Server) replaceChallenge(r *http.Request, old store.Challenge, found bool) (store.Challenge, string, error) {
	if found && old.Purpose == store.PurposeEnroll && unfinished(old) && renewable(authFrom(r).user) {
		c, err := s.newChallenge(r, store.PurposeEnroll, old.Phone, old.Label)
		return c, "", err
	}
	g, err := s.gate(r)
	if err != nil {
		return store.Challenge{}, "", err
	}
	switch g.step {
	case stepVerify:
		c, err := s.newChallenge(r, store.PurposeLogin, authFrom(r).user.Phone, g.project.Name)
		return c, "", err
	case "":
		return store.Challenge{}, nextPath(r), nil
	default:
		return store.Challenge{}, withNext(g.step, r), nil
	}
}

// renewable reports whether an enrollment of u that ended may be started
// again without the phone page: only while u has no verified phone. Once a
// phone is verified (by this session or another), a session that passed
// only the password gets the login challenge to that phone instead, and a
// phone change starts again from the account page, with the password.
func renewable(u store.User) bool { return !u.PhoneVerified }
