package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// verifySend sends the session's code by the chosen channel ("sms" or
// "call"): the first send, a resend or the other method. When the challenge
// has ended (expired, killed by wrong codes), a new one like it is made
// first. The service sends it within the send limits
// (phonegate.Service.SendCode). Every answer is a redirect to the code
// page (post, redirect, get); a refusal the page's state does not show
// already (codeStateOf) is flashed in words, and a click during the
// 30-second wait shows the page with its countdown.
func (s *Server) verifySend(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	channel := r.PostFormValue("channel")
	if channel != phonegate.ChannelSMS && channel != phonegate.ChannelCall {
		return httpx.BadRequest("Choose a text message or a call.")
	}
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	now := s.now()
	if found && c.State == phonegate.ChallengeApproved && c.Live(now) {
		return s.claimApproved(w, r, c)
	}
	if s.locked(a.user) {
		return s.backToVerify(w, r, "")
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
// code page. A send the user can do something about is said on the code
// page itself: the challenge stands, and the page offers the other method.
func (s *Server) sendThenVerify(w http.ResponseWriter, r *http.Request, c phonegate.Challenge, channel string) error {
	_, err := s.svc.SendCode(r.Context(), c, channel, s.sendAddr(r))
	return s.toVerify(w, r, c, err)
}

// toVerify moves to the code page after a send of challenge c that
// answered err (nil when the code went out).
func (s *Server) toVerify(w http.ResponseWriter, r *http.Request, c phonegate.Challenge, err error) error {
	if err != nil {
		var ue *phonegate.Error
		if !errors.As(err, &ue) {
			return err
		}
		said, err := s.stateSays(r, c, err)
		if err != nil {
			return err
		}
		if said {
			return s.backToVerify(w, r, "")
		}
		return s.backToVerify(w, r, ue.Message)
	}
	http.Redirect(w, r, s.withNext(stepVerify, r), http.StatusSeeOther)
	return nil
}

// stateSays reports whether the code page's state says by itself why the
// send of challenge c was refused (refusal), so that it is not said twice:
// the 30-second wait has its countdown, and the limited and opted-out
// states their notice.
func (s *Server) stateSays(r *http.Request, c phonegate.Challenge, refusal error) (bool, error) {
	var le *phonegate.SendLimitError
	if errors.As(refusal, &le) && le.Reason == phonegate.LimitCooldown {
		return true, nil
	}
	c, err := s.db.Challenge(r.Context(), c.ID)
	if err != nil {
		return false, err
	}
	f, err := s.codeFactsOf(r, c)
	if err != nil {
		return false, err
	}
	k := codeStateOf(f).Kind
	return k == codeLimited || k == codeOptedOut, nil
}

// replaceChallenge makes a new challenge in place of one that ended
// (phonegate.Service.ReplaceChallenge). dest is where to go instead when
// there is nothing to verify.
func (s *Server) replaceChallenge(r *http.Request, old phonegate.Challenge, found bool) (phonegate.Challenge, string, error) {
	a := authFrom(r)
	c, step, err := s.svc.ReplaceChallenge(r.Context(), a.user, a.sess, s.trustToken(r), old, found)
	switch {
	case err != nil || step == phonegate.StepVerify:
		return c, "", err
	case step == phonegate.StepNone:
		return phonegate.Challenge{}, s.nextPath(r), nil
	default:
		return phonegate.Challenge{}, s.withNext(stepPaths[step], r), nil
	}
}

// Codes are sent by the service (phonegate.Service.SendCode); what stays
// here is what a send needs of HTTP and of the server's wiring.

// sendAddr is the client address that the per-address send cap counts
// (phonegate.MaxAddressSends): the client's address bucket (httpx.AddrBucket).
func (s *Server) sendAddr(r *http.Request) string { return httpx.AddrBucket(s.clientAddr(r)) }

// clientAddr is the address of the client that sent r, behind the trusted
// proxies (httpx.Proxies).
func (s *Server) clientAddr(r *http.Request) string { return s.cfg.TrustedProxies.ClientAddr(r) }

// retryTime says when a refused action may be tried again, in UTC
// (phonegate.RetryWords).
func (s *Server) retryTime(at time.Time) string { return phonegate.RetryWords(at, s.now()) }

// seconds says a wait in whole seconds, rounded up (phonegate.WaitWords).
func seconds(d time.Duration) string { return phonegate.WaitWords(d) }
