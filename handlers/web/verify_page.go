package web

import (
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
)

// verifyButton is one way to get the code, as a button of the code page.
type verifyButton struct {
	Channel string `json:"channel"`
	Label   string `json:"label"`
}

// verifyDeliveryRow is one SMS or call, in words.
type verifyDeliveryRow struct {
	Channel   string // "Text message" or "Call"
	Status    string
	Words     string
	ErrorCode int
}

type verifyPage struct {
	page
	Next       string
	Refresh    string // this page again, for browsers without script
	Enroll     bool   // verifying a new phone rather than logging in
	Masked     string // the phone, all but its last digits hidden
	Project    string
	State      codeState // everything the page says and offers
	Deliveries []verifyDeliveryRow
	ResendWait string // the 30-second wait left, in words; "" when none
	ResendAt   string // its end, RFC 3339, for the script's countdown
	ReplyCode  string // shown when neither method reaches the phone
	ReplyTo    string // the number to text it to, when known
	// OtherPhone offers the phone page again: an enrollment of a user
	// without a verified phone may start over with another number.
	OtherPhone string
	// MaxSends and CodeMinutes are the rules the hint names: the sends of
	// a code, and how long it works.
	MaxSends, CodeMinutes int
	// Factors offers the user's passkeys and authenticator app
	// (verify_app.go).
	Factors factorChoice
}

// verifyChannelLabel names a channel for people.
func verifyChannelLabel(ch string) string {
	if ch == phonegate.ChannelCall {
		return "Call"
	}
	return "Text message"
}

// codeFactsOf reads what the state of challenge c is derived from
// (phonegate.Service.CodeFacts).
func (s *Server) codeFactsOf(r *http.Request, c phonegate.Challenge) (phonegate.CodeFacts, error) {
	return s.svc.CodeFacts(r.Context(), authFrom(r).user, c)
}

// verifyData builds the code page for challenge c.
func (s *Server) verifyData(r *http.Request, c phonegate.Challenge) (*verifyPage, error) {
	f, err := s.codeFactsOf(r, c)
	if err != nil {
		return nil, err
	}
	st := codeStateOf(f)
	p := &verifyPage{
		page:    page{Title: "Enter your code"},
		Next:    s.nextPath(r),
		Refresh: s.withNext(stepVerify, r),
		Enroll:  c.Purpose == phonegate.PurposeEnroll,
		Masked:  phonegate.MaskPhone(c.Phone),
		Project: c.Label,
		State:   st,

		MaxSends:    phonegate.MaxChallengeSends,
		CodeMinutes: int(phonegate.ChallengeLife / time.Minute),
	}
	if p.Enroll {
		p.Title = "Verify your phone"
		if phonegate.Renewable(authFrom(r).user) {
			p.OtherPhone = s.withNext(stepPhone, r)
		}
	}
	if p.Factors, err = s.factorChoiceOf(r, c, st); err != nil {
		return nil, err
	}
	// The deliveries of a code that no longer works are history: the page
	// is about the new code.
	if st.Kind != codeLocked && !st.NewCode {
		for _, d := range f.Deliveries {
			p.Deliveries = append(p.Deliveries, verifyDeliveryRow{Channel: verifyChannelLabel(d.Channel), Status: d.Status,
				Words: phonegate.DeliveryWords(d), ErrorCode: d.ErrorCode})
		}
	}
	if !st.ResendAt.IsZero() {
		p.ResendWait = "You can ask for another code in " + seconds(st.ResendAt.Sub(f.Now)) + "."
		p.ResendAt = st.ResendAt.UTC().Format(time.RFC3339)
	}
	// codeStateOf offers the reply code only to a challenge that has one.
	if st.Reply {
		p.ReplyCode = s.svc.ReplyCode(c)
		p.ReplyTo = s.cfg.FromNumber
	}
	return p, nil
}

// renderVerify shows the code page for c with status and, if not empty,
// the error msg.
func (s *Server) renderVerify(w http.ResponseWriter, r *http.Request, c phonegate.Challenge, status int, msg string) error {
	p, err := s.verifyData(r, c)
	if err != nil {
		return err
	}
	p.Error = msg
	if p.State.Kind == codeLocked {
		// The lock is the one message while it holds.
		p.Error = ""
		s.dropFlash(w, r)
	}
	s.render(w, r, status, "verify", p)
	return nil
}
