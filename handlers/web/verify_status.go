package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
)

// verifyStatus is what the code page's script polls: the same codeState
// the page shows (codeStateOf), in JSON.
type verifyStatus struct {
	// State is the code page's state (codeKind): none, sent, auto_call,
	// failed, opted_out, wrong, limited, dead, expired, cancelled, locked,
	// approved or passed; "no_challenge" when the session has none.
	State   string `json:"state"`
	Message string `json:"message"` // the state's notice, times in UTC
	// At is the time the message names (RFC 3339), for the browser's
	// local time; empty when none.
	At        string `json:"at,omitempty"`
	CodeBox   bool   `json:"code_box"`
	TriesLeft int    `json:"tries_left"`
	NewCode   bool   `json:"new_code"` // a send makes a new code
	SendsLeft int    `json:"sends_left"`
	// CanResendAt is when the next send is allowed (RFC 3339): now, or the
	// end of the 30-second wait; empty when no send can go.
	CanResendAt string               `json:"can_resend_at"`
	Buttons     []verifyButton       `json:"buttons"`
	LockedUntil string               `json:"locked_until,omitempty"`
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

// verifyStatusJSON answers the code page's polling. A challenge that an
// SMS reply approved is claimed here, so that the page moves on by itself.
func (s *Server) verifyStatusJSON(w http.ResponseWriter, r *http.Request) error {
	c, found, err := s.sessionChallenge(r)
	if err != nil {
		return err
	}
	now := s.now()
	if !found {
		return writeStatusJSON(w, verifyStatus{State: "no_challenge", Buttons: []verifyButton{}, Deliveries: []verifyDeliveryJSON{}})
	}
	if c.State == phonegate.ChallengeApproved && c.Live(now) {
		next, err := s.completeChallenge(w, r, c, phonegate.Pass{Claim: true})
		switch {
		case err == nil:
			return writeStatusJSON(w, verifyStatus{State: string(codePassed), Next: next, Buttons: []verifyButton{},
				Deliveries: []verifyDeliveryJSON{}})
		case !errors.Is(err, phonegate.ErrCodeRefused):
			return err
		}
		if c, _, err = s.sessionChallenge(r); err != nil {
			return err
		}
	}
	f, err := s.codeFactsOf(r, c)
	if err != nil {
		return err
	}
	st := codeStateOf(f)
	out := verifyStatus{State: string(st.Kind), Message: st.Text(), CodeBox: st.CodeBox, TriesLeft: st.TriesLeft,
		NewCode: st.NewCode, SendsLeft: st.SendsLeft, Buttons: st.Buttons, Reply: st.Reply,
		Deliveries: []verifyDeliveryJSON{}}
	if out.Buttons == nil {
		out.Buttons = []verifyButton{}
	}
	if !st.At.IsZero() {
		out.At = st.At.UTC().Format(time.RFC3339)
	}
	if !st.LockedUntil.IsZero() {
		out.LockedUntil = st.LockedUntil.UTC().Format(time.RFC3339)
	}
	if len(st.Buttons) > 0 {
		out.CanResendAt = now.UTC().Format(time.RFC3339)
		if !st.ResendAt.IsZero() {
			out.CanResendAt = st.ResendAt.UTC().Format(time.RFC3339)
		}
	}
	if st.Kind != codeLocked {
		for _, d := range f.Deliveries {
			out.Deliveries = append(out.Deliveries, verifyDeliveryJSON{Channel: d.Channel, Status: d.Status,
				Words: phonegate.DeliveryWords(d), ErrorCode: d.ErrorCode})
		}
	}
	return writeStatusJSON(w, out)
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
