package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/phonegate/phonegate/store"
)

// verifyStatus is what the code page's script polls.
type verifyStatus struct {
	// State is the challenge's: pending, approved, used, dead or cancelled,
	// or expired for a pending one past its time; none without a challenge.
	State string `json:"state"`
	// CanResendAt is when the next send is allowed (RFC 3339); empty when
	// no send is left.
	CanResendAt string               `json:"can_resend_at"`
	Deliveries  []verifyDeliveryJSON `json:"deliveries"`
	// Next is where to go: set once the challenge was passed (an SMS reply
	// approved it and this request claimed it).
	Next string `json:"next,omitempty"`
	// Reply is true when the page offers verification by reply.
	Reply bool `json:"reply"`
}

type verifyDeliveryJSON struct {
	Channel   string `json:"channel"`
	Status    string `json:"status"`
	Words     string `json:"words"`
	ErrorCode int    `json:"error_code"`
}

// verifyStatusJSON answers the code page's polling: the challenge's state,
// when a resend is allowed, and each delivery's state in words. A
// challenge that an SMS reply approved is claimed here, so that the page
// moves on by itself.
func (s *Server) verifyStatusJSON(w http.ResponseWriter, r *http.Request) error {
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	now := s.now()
	st := verifyStatus{State: "none", Deliveries: []verifyDeliveryJSON{}}
	if found {
		if c.State == store.ChallengeApproved && c.Live(now) {
			next, err := s.completeChallenge(w, r, c, store.Pass{Claim: true})
			switch {
			case err == nil:
				return writeStatusJSON(w, verifyStatus{State: store.ChallengeUsed, Next: next, Deliveries: []verifyDeliveryJSON{}})
			case !errors.Is(err, store.ErrCodeRefused):
				return err
			}
			if c, _, err = s.sessionChallenge(r); err != nil {
				return err
			}
		}
		st.State = c.State
		if c.State == store.ChallengePending && !c.Live(now) {
			st.State = "expired"
		}
		if c.Sends < store.MaxChallengeSends {
			st.CanResendAt = now.UTC().Format(time.RFC3339)
			if at := c.LastSendAt.Add(store.SendCooldown); c.Sends > 0 && at.After(now) {
				st.CanResendAt = at.UTC().Format(time.RFC3339)
			}
		}
		ds, err := s.db.Deliveries(r.Context(), c.ID)
		if err != nil {
			return err
		}
		for _, d := range ds {
			st.Deliveries = append(st.Deliveries, verifyDeliveryJSON{Channel: d.Channel, Status: d.Status,
				Words: deliveryWords(d), ErrorCode: d.ErrorCode})
			failed := (d.Channel == store.ChannelSMS && verifySMSFailed[d.Status]) ||
				(d.Channel == store.ChannelCall && verifyCallFailed[d.Status])
			st.Reply = st.Reply || (failed && len(c.ReplyMAC) > 0)
		}
	}
	return writeStatusJSON(w, st)
}

func writeStatusJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
	return nil
}
