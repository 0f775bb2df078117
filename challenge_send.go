package phonegate

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// CallTimeout is how long a code call lets the phone ring, in seconds.
const CallTimeout = 30

// SendCode sends the code of challenge ch by channel (ChannelSMS or
// ChannelCall), within the send limits, for the client at clientAddr (the
// per-address cap counts it; "" for none), and returns the delivery that
// follows it.
//
// A send that does not happen returns an *Error with words to show, that
// still matches its cause with errors.Is and errors.As: ErrLimited and
// *SendLimitError, ErrChallengeEnded, or the Sender's reasons (ErrOptedOut,
// ErrNoSMS and the rest), so that a page can offer the other method.
func (s *Service) SendCode(ctx context.Context, ch Challenge, channel, clientAddr string) (Delivery, error) {
	return s.sendCode(ctx, ch, channel, clientAddr, false)
}

// sendCode is SendCode, or for an automatic send (the fallback call after
// a failed SMS) a send that skips the cooldown. An automatic send has no
// client: it counts against the address of the challenge's earlier sends.
func (s *Service) sendCode(ctx context.Context, ch Challenge, channel, clientAddr string, automatic bool) (Delivery, error) {
	return s.send(ctx, ch, channel, automatic, func(req SendRequest) (Delivery, error) {
		req.ClientAddr = clientAddr
		return s.store.ReserveSend(ctx, req)
	})
}

// StartChallenge sends the first code of challenge ch, which is not in
// the store yet: the store creates it with the send's reservation
// (Store.StartChallenge), so that a send refused by a limit leaves the
// session's earlier challenge, and its code, as they were. It returns a
// delivery with an empty ID when nothing was created.
func (s *Service) StartChallenge(ctx context.Context, ch Challenge, channel, clientAddr string) (Delivery, error) {
	return s.send(ctx, ch, channel, false, func(req SendRequest) (Delivery, error) {
		req.ClientAddr = clientAddr
		return s.store.StartChallenge(ctx, ch, req)
	})
}

// send is sendCode with the reservation of the send given: reserve is
// handed the request to reserve.
func (s *Service) send(ctx context.Context, ch Challenge, channel string, automatic bool,
	reserve func(SendRequest) (Delivery, error)) (d Delivery, err error) {
	if channel != ChannelSMS && channel != ChannelCall {
		return Delivery{}, &Error{Code: EInvalid, Message: "Choose a text message or a voice call."}
	}
	defer func() { s.obs.CodeSent(channel, sendOutcome(err)) }()
	if channel == ChannelSMS {
		out, err := s.store.OptedOut(ctx, ch.Phone)
		if err != nil {
			return Delivery{}, err
		}
		if out {
			return Delivery{}, refused(EConflict, msgOptedOut, ErrOptedOut)
		}
	}
	if len(ch.CodeSealed) == 0 {
		return Delivery{}, refused(EConflict, msgEnded, ErrChallengeEnded)
	}
	now := s.now()
	d, err = reserve(SendRequest{ChallengeID: ch.ID, Channel: channel, To: ch.Phone,
		Automatic: automatic, Now: now, Caps: s.caps})
	if err != nil {
		return Delivery{}, s.limitRefusal(ctx, ch, channel, err, now)
	}
	code, err := s.keys.Open(ch.ID, ch.CodeSealed)
	if err != nil {
		return Delivery{}, errors.Join(err, s.store.FailDelivery(ctx, d.ID, 0, now))
	}

	var sid string
	if channel == ChannelSMS {
		sid, err = s.sender.SendSMS(ctx, SMS{
			To:             ch.Phone,
			Body:           s.codeSMS(ch, code, now),
			StatusCallback: s.publicURL("/twilio/sms/status?d=" + url.QueryEscape(d.ID)),
		})
	} else {
		sid, err = s.sender.PlaceCall(ctx, Call{
			To:             ch.Phone,
			URL:            s.publicURL("/twilio/voice?d=" + url.QueryEscape(d.ID)),
			StatusCallback: s.publicURL("/twilio/voice/status?d=" + url.QueryEscape(d.ID)),
			Timeout:        CallTimeout,
		})
	}
	// What the provider answered is recorded even if the client that asked
	// has gone meanwhile: the message or call is out either way.
	ctx = context.WithoutCancel(ctx)
	if err != nil {
		return d, s.sendFailed(ctx, ch, d, err)
	}
	if err := s.store.SetDeliverySID(ctx, d.ID, sid); err != nil {
		return d, err
	}
	d.SID = sid
	if err := s.store.AddUserAudit(ctx, AuditEvent{UserID: ch.UserID, Kind: "code.sent",
		Detail: channelWords(channel) + " to " + MaskPhone(ch.Phone), At: now}); err != nil {
		return d, err
	}
	s.log.Info().Str("delivery", d.ID).Str("channel", channel).Bool("automatic", automatic).Msg("code sent")
	return d, nil
}

// codeSMS is the text that carries the code of ch: a verification's as
// Verify words it, the others' as phonegate does.
func (s *Service) codeSMS(ch Challenge, code string, now time.Time) string {
	if ch.Purpose == PurposeVerify {
		return s.verificationSMS(code, ch.Label)
	}
	return s.smsBody(code, ch.Label, ch.ExpiresAt.Sub(now))
}

// smsBody is the text that carries a code. Its fixed words come first,
// so that nothing a user typed can lead the message; the project is named
// only by a name that fits ProjectNameFits, else as "your project". It
// says how long the code lasts and not to share it, and ends with the line
// that lets a browser offer the code for the page on this host (WebOTP).
func (s *Service) smsBody(code, label string, left time.Duration) string {
	mins := int((left + time.Minute - 1) / time.Minute)
	life := "It expires in 1 minute."
	if mins > 1 {
		life = fmt.Sprintf("It expires in %d minutes.", mins)
	}
	return "Your phonegate code is " + code + projectPhrase(label) + ". " + life +
		" Don't share it with anyone.\n\n@" + s.public.Hostname() + " #" + code
}

// projectPhrase names the project a code is for, " for Apollo", in an SMS.
func projectPhrase(label string) string {
	if p := CodeProject(label); p != "" {
		return " for " + ProjectWords(p)
	}
	return ""
}

// CodeProject is the project an SMS or a call names for a challenge's
// label: none when the label is empty or the product's own name (the
// default of a challenge outside any project), which the message says
// already.
func CodeProject(label string) string {
	if strings.EqualFold(strings.TrimSpace(label), "phonegate") {
		return ""
	}
	return label
}

// channelWords names a channel for people and the audit log.
func channelWords(channel string) string {
	if channel == ChannelCall {
		return "call"
	}
	return "text message"
}
