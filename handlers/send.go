package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

// callTimeout is how long a code call lets the phone ring, in seconds.
const callTimeout = 30

// sendCode sends the code of challenge ch by channel ("sms" or "call"),
// within the send limits, and returns the delivery that follows it. An
// automatic send (the fallback call after a failed SMS) skips the cooldown.
//
// A send that does not happen returns an error that fail shows in words
// (a *userError inside) and that still matches its cause with errors.Is
// and errors.As: store.ErrLimited and *store.SendLimitError,
// store.ErrChallengeEnded, or the Sender's reasons (ErrOptedOut, ErrNoSMS
// and the rest), so that a page can offer the other method.
func (s *Server) sendCode(ctx context.Context, ch phonegate.Challenge, channel string, automatic bool) (phonegate.Delivery, error) {
	return s.sendCodeFrom(ctx, ch, channel, "", automatic)
}

// sendCodeFrom is sendCode for a send that the client at clientAddr asked
// for (sendAddr), which the per-address cap counts. An automatic send has
// no client: it counts against the address of the challenge's earlier
// sends.
func (s *Server) sendCodeFrom(ctx context.Context, ch phonegate.Challenge, channel, clientAddr string, automatic bool) (phonegate.Delivery, error) {
	return s.send(ctx, ch, channel, automatic, func(req phonegate.SendRequest) (phonegate.Delivery, error) {
		req.ClientAddr = clientAddr
		return s.db.ReserveSend(ctx, req)
	})
}

// startChallenge sends the first code of challenge ch, which is not in
// the store yet: the store creates it with the send's reservation
// (store.StartChallenge), so that a send refused by a limit leaves the
// session's earlier challenge, and its code, as they were. It returns a
// delivery with an empty ID when nothing was created.
func (s *Server) startChallenge(ctx context.Context, ch phonegate.Challenge, channel, clientAddr string) (phonegate.Delivery, error) {
	return s.send(ctx, ch, channel, false, func(req phonegate.SendRequest) (phonegate.Delivery, error) {
		req.ClientAddr = clientAddr
		return s.db.StartChallenge(ctx, ch, req)
	})
}

// send is sendCode with the reservation of the send given: reserve is
// handed the request to reserve.
func (s *Server) send(ctx context.Context, ch phonegate.Challenge, channel string, automatic bool,
	reserve func(phonegate.SendRequest) (phonegate.Delivery, error)) (phonegate.Delivery, error) {
	if channel != phonegate.ChannelSMS && channel != phonegate.ChannelCall {
		return phonegate.Delivery{}, badRequest("Choose a text message or a voice call.")
	}
	if channel == phonegate.ChannelSMS {
		out, err := s.db.OptedOut(ctx, ch.Phone)
		if err != nil {
			return phonegate.Delivery{}, err
		}
		if out {
			return phonegate.Delivery{}, refused(phonegate.EConflict, msgOptedOut, phonegate.ErrOptedOut)
		}
	}
	if len(ch.CodeSealed) == 0 {
		return phonegate.Delivery{}, refused(phonegate.EConflict, msgEnded, phonegate.ErrChallengeEnded)
	}
	now := s.now()
	d, err := reserve(phonegate.SendRequest{ChallengeID: ch.ID, Channel: channel, To: ch.Phone,
		Automatic: automatic, Now: now, Caps: s.caps})
	if err != nil {
		return phonegate.Delivery{}, s.limitRefusal(ctx, ch, channel, err, now)
	}
	code, err := s.cfg.Keys.Open(ch.ID, ch.CodeSealed)
	if err != nil {
		return phonegate.Delivery{}, errors.Join(err, s.db.FailDelivery(ctx, d.ID, 0, now))
	}

	var sid string
	if channel == phonegate.ChannelSMS {
		sid, err = s.sender().SendSMS(ctx, phonegate.SMS{
			To:             ch.Phone,
			Body:           s.smsBody(code, ch.Label, ch.ExpiresAt.Sub(now)),
			StatusCallback: s.publicURL("/twilio/sms/status?d=" + url.QueryEscape(d.ID)),
		})
	} else {
		sid, err = s.sender().PlaceCall(ctx, phonegate.Call{
			To:             ch.Phone,
			URL:            s.publicURL("/twilio/voice?d=" + url.QueryEscape(d.ID)),
			StatusCallback: s.publicURL("/twilio/voice/status?d=" + url.QueryEscape(d.ID)),
			Timeout:        callTimeout,
		})
	}
	// What the provider answered is recorded even if the client that asked
	// has gone meanwhile: the message or call is out either way.
	ctx = context.WithoutCancel(ctx)
	if err != nil {
		return d, s.sendFailed(ctx, ch, d, err)
	}
	if err := s.db.SetDeliverySID(ctx, d.ID, sid); err != nil {
		return d, err
	}
	d.SID = sid
	if err := s.db.AddUserAudit(ctx, phonegate.AuditEvent{UserID: ch.UserID, Kind: "code.sent",
		Detail: channelWords(channel) + " to " + phonegate.MaskPhone(ch.Phone), At: now}); err != nil {
		return d, err
	}
	s.log.Info().Str("delivery", d.ID).Str("channel", channel).Bool("automatic", automatic).Msg("code sent")
	return d, nil
}

// smsBody is the text that carries a code. Its fixed words come first,
// so that nothing a user typed can lead the message; the project is named
// only by a name that fits phonegate.ProjectNameFits, else as "your
// project". It says how long the code lasts and not to share it, and ends
// with the line that lets a browser offer the code for the page on this
// host (WebOTP).
func (s *Server) smsBody(code, label string, left time.Duration) string {
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
	if p := codeProject(label); p != "" {
		return " for " + phonegate.ProjectWords(p)
	}
	return ""
}

// codeProject is the project an SMS or a call names for a challenge's
// label: none when the label is empty or the product's own name (the
// default of a challenge outside any project), which the message says
// already.
func codeProject(label string) string {
	if strings.EqualFold(strings.TrimSpace(label), "phonegate") {
		return ""
	}
	return label
}

// sender returns what sends codes: the configured Sender, or in dev mode
// without one, the dev phone.
func (s *Server) sender() phonegate.Sender {
	if s.cfg.Sender != nil {
		return s.cfg.Sender
	}
	return devPhone{s: s}
}

// channelWords names a channel for people and the audit log.
func channelWords(channel string) string {
	if channel == phonegate.ChannelCall {
		return "call"
	}
	return "text message"
}
