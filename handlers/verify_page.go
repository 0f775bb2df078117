package handlers

import (
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

// verifyButton is one way to get the code, as a button of the code page.
type verifyButton struct {
	Channel string
	Label   string
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
	Live       bool // the code can still be typed
	Locked     bool
	Notice     string
	Buttons    []verifyButton // the method to try first comes first
	Deliveries []verifyDeliveryRow
	SMSFailed  bool // a text message did not arrive
	AutoCall   bool // and the automatic call was placed
	CallMissed bool // a call was not answered
	OptedOut   bool // the number replied STOP: no text messages
	NoSMS      bool // the number cannot take text messages
	ResendIn   int  // seconds before another send is allowed
	ResendAt   string
	SendsLeft  int
	ReplyCode  string // shown when neither method reaches the phone
	ReplyTo    string // the number to text it to, when known
	Emergency  bool   // the user has an emergency code to offer
}

// Delivery statuses that mean the code did not reach the phone.
var (
	verifySMSFailed  = map[string]bool{"failed": true, "undelivered": true}
	verifyCallFailed = map[string]bool{"failed": true, "busy": true, "no-answer": true, "canceled": true}
)

// verifyChannelLabel names a channel for people.
func verifyChannelLabel(ch string) string {
	if ch == store.ChannelCall {
		return "Call"
	}
	return "Text message"
}

// verifyData builds the code page for challenge c.
func (s *Server) verifyData(r *http.Request, c store.Challenge) (*verifyPage, error) {
	a := authFrom(r)
	ctx := r.Context()
	now := s.now()
	p := &verifyPage{
		page:    page{Title: "Enter your code"},
		Next:    nextPath(r),
		Refresh: withNext(stepVerify, r),
		Enroll:  c.Purpose == store.PurposeEnroll,
		Masked:  phonegate.MaskPhone(c.Phone),
		Project: c.Label,
		Live:    c.Live(now),
		Notice:  s.deadNotice(c),
	}
	if p.Enroll {
		p.Title = "Verify your phone"
	}
	if s.locked(a.user) {
		p.Locked, p.Notice = true, noticeLocked
	}
	p.Emergency = !p.Enroll && a.user.PhoneVerified && a.user.EmergencyHash != ""

	ds, err := s.db.Deliveries(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	var sentSMS, sentCall bool
	for _, d := range ds {
		p.Deliveries = append(p.Deliveries, verifyDeliveryRow{Channel: verifyChannelLabel(d.Channel), Status: d.Status,
			Words: deliveryWords(d), ErrorCode: d.ErrorCode})
		switch d.Channel {
		case store.ChannelSMS:
			sentSMS = true
			p.SMSFailed = p.SMSFailed || verifySMSFailed[d.Status]
		case store.ChannelCall:
			sentCall = true
			p.CallMissed = p.CallMissed || verifyCallFailed[d.Status]
		}
	}
	p.AutoCall = p.SMSFailed && c.AutoCallDone
	if p.OptedOut, err = s.db.OptedOut(ctx, c.Phone); err != nil {
		return nil, err
	}
	if ph, err := phonegate.ParsePhone(c.Phone, "", nil); err == nil {
		p.NoSMS = !ph.SMS
	}

	// The method that worked last goes first, unless this challenge shows
	// it failing, in which case the other one does.
	first := a.user.PreferredChannel
	if p.SMSFailed || p.OptedOut || p.NoSMS {
		first = store.ChannelCall
	} else if p.CallMissed {
		first = store.ChannelSMS
	}
	sms := verifyButton{store.ChannelSMS, "Text me a code"}
	if sentSMS {
		sms.Label = "Text me the code again"
	}
	call := verifyButton{store.ChannelCall, "Call me"}
	if sentCall {
		call.Label = "Call me again"
	}
	if p.OptedOut || p.NoSMS {
		p.Buttons = []verifyButton{call}
	} else if first == store.ChannelCall {
		p.Buttons = []verifyButton{call, sms}
	} else {
		p.Buttons = []verifyButton{sms, call}
	}

	p.SendsLeft = max(0, store.MaxChallengeSends-c.Sends)
	if at := c.LastSendAt.Add(store.SendCooldown); c.Sends > 0 && at.After(now) {
		p.ResendIn = int((at.Sub(now) + time.Second - 1) / time.Second)
		p.ResendAt = at.UTC().Format(time.RFC3339)
	}
	// The reply code is derived again from the challenge ID: the store keeps
	// only its MAC. A challenge from before reply MACs has none to offer.
	if p.Live && len(c.ReplyMAC) > 0 && (p.SMSFailed || p.CallMissed || p.OptedOut) {
		p.ReplyCode = s.cfg.Keys.ReplyCode(c.ID)
		p.ReplyTo = s.cfg.FromNumber
	}
	return p, nil
}

// renderVerify shows the code page for c with status and, if not empty,
// the error msg.
func (s *Server) renderVerify(w http.ResponseWriter, r *http.Request, c store.Challenge, status int, msg string) error {
	p, err := s.verifyData(r, c)
	if err != nil {
		return err
	}
	p.Error = msg
	s.render(w, r, status, "verify", p)
	return nil
}
