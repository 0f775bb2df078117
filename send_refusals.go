package phonegate

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// What the user reads when a code cannot be sent, by cause.
const (
	msgOptedOut = "This number has opted out of text messages (it replied STOP). We can call you instead, " +
		"or text START from this phone in reply to one of our messages to opt back in."
	msgInvalidNumber = "That phone number was refused as invalid. Check it, or use another number."
	msgNoSMS         = "This number cannot receive text messages. We can call you instead."
	msgNoRoute       = "Codes cannot be sent to this number from this server (its country or carrier is not enabled). " +
		"Try a voice call, or ask your administrator."
	msgCredentials = "Codes cannot be sent right now: the server's Twilio credentials were refused. Tell your administrator."
	msgSendFailed  = "The code could not be sent. Try again in a moment, or use the other method."
	msgEnded       = "This code request has ended (it expired, was used or was cancelled). Start again to get a new code."
)

// msgAllSends refuses a send past a challenge's MaxChallengeSends.
var msgAllSends = fmt.Sprintf("This challenge has used its %d sends; start again.", MaxChallengeSends)

// refused is a send that did not happen: the words for the user, and the
// cause for errors.Is and errors.As.
func refused(code, msg string, cause error) error {
	return &Error{Code: code, Message: msg, Cause: cause}
}

// limitRefusal turns what the store refused for a send of ch by channel
// into words; other errors pass through.
func (s *Service) limitRefusal(ctx context.Context, ch Challenge, channel string, err error, now time.Time) error {
	var le *SendLimitError
	switch {
	case errors.Is(err, ErrChallengeEnded):
		return refused(EConflict, msgEnded, err)
	case !errors.As(err, &le):
		return err
	case le.Reason == LimitCooldown:
		return refused(ELimited, "You can send another code in "+WaitWords(le.RetryAt.Sub(now))+".", err)
	case le.Reason == LimitNumber:
		return refused(ELimited, "Too many codes were sent to this number; try again after "+
			RetryWords(le.RetryAt, s.now())+".", err)
	case le.Reason == LimitChallenge:
		return refused(ELimited, msgAllSends, err)
	default:
		return s.capRefusal(ctx, ch, channel, le, err)
	}
}

// capRefusal turns a send refused by one of the caps of sendcaps.go
// into words. Past the global daily cap nothing is sent by that channel
// until the next UTC day: the operator must know, so it is logged as an
// error and written to the audit log of the user who was refused.
func (s *Service) capRefusal(ctx context.Context, ch Challenge, channel string, le *SendLimitError, err error) error {
	after := RetryWords(le.RetryAt, s.now())
	switch le.Reason {
	case LimitSession:
		return refused(ELimited, "Too many codes were asked for in this session; try again after "+after+".", err)
	case LimitAddress:
		return refused(ELimited, "Too many codes were asked for from your network; try again after "+after+".", err)
	case LimitNewNumbers:
		return refused(ELimited, fmt.Sprintf("This account has tried %d new phone numbers today, the most it may; "+
			"use one of those, or try again after %s.", MaxNewNumbers, after), err)
	case LimitRange:
		return refused(ELimited, "Too many phone numbers close to this one were tried in the last hour; "+
			"try again after "+after+".", err)
	case LimitDaily:
		return s.dailyCapReached(ctx, ch, channel, err)
	default:
		return refused(ELimited, "Too many codes were sent; try again later.", err)
	}
}

// dailyCapReached answers a send past the global daily cap of channel.
func (s *Service) dailyCapReached(ctx context.Context, ch Challenge, channel string, err error) error {
	limit, what, other := s.caps.Of(channel), "text messages", "a voice call"
	if channel == ChannelCall {
		what, other = "calls", "a text message"
	}
	s.log.Error().Str("channel", channel).Int("daily_cap", limit).
		Msgf("daily cap of %d %s reached: no more are sent until 00:00 UTC", limit, what)
	detail := fmt.Sprintf("%s to %s not sent: the server's daily cap of %d %s is reached",
		channelWords(channel), MaskPhone(ch.Phone), limit, what)
	if aerr := s.store.AddUserAudit(context.WithoutCancel(ctx), AuditEvent{UserID: ch.UserID, Kind: "code.daily_cap",
		Detail: detail, At: s.now()}); aerr != nil {
		s.log.Error().Err(aerr).Msg("audit the daily send cap")
	}
	return refused(EUnavailable, "Codes cannot be sent now: this server has sent all the "+what+
		" it may send today. Try "+other+", or try again after 00:00 UTC.", err)
}

// RetryWords says when a refused action may be tried again, at, seen at
// now, in UTC: the time of day when that is today, else the date too, so
// that "after 09:34 UTC" read at 09:35 cannot mean tomorrow.
func RetryWords(at, now time.Time) string {
	at, now = at.UTC(), now.UTC()
	if at.Year() == now.Year() && at.YearDay() == now.YearDay() {
		return at.Format("15:04") + " UTC"
	}
	return at.Format("15:04") + " UTC on " + at.Format("2 January")
}

// WaitWords says a wait in whole seconds, rounded up: "1 second", "23
// seconds".
func WaitWords(d time.Duration) string {
	n := int((d + time.Second - 1) / time.Second)
	if n <= 1 {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", n)
}

// sendFailed records a send the provider refused: the delivery fails with
// the provider's code, the refusal is audited in words, and the user gets
// a message that says what to do.
func (s *Service) sendFailed(ctx context.Context, ch Challenge, d Delivery, err error) error {
	se, ok := errors.AsType[*SendError](err)
	if !ok {
		// A Sender that returns no SendError (a timeout, say) failed in a
		// way nobody can name: it is treated as a failure to try again.
		se = &SendError{Reason: ErrSendFailed, Detail: err.Error()}
	}
	now := s.now()
	status, msg := sendFailureWords(se.Reason)
	detail := fmt.Sprintf("%s to %s not sent: %v", channelWords(d.Channel), MaskPhone(ch.Phone), se.Reason)
	if se.Code != 0 {
		detail += fmt.Sprintf(" (error %d)", se.Code)
	}
	ev := s.log.Warn()
	if errors.Is(se.Reason, ErrCredentials) {
		ev = s.log.Error()
	}
	ev.Str("delivery", d.ID).Str("channel", d.Channel).Int("code", se.Code).Str("detail", se.Detail).
		Msg("send refused: " + se.Reason.Error())
	// The user's answer is the refusal; a store error on the way is logged
	// so that it does not hide it.
	if err := s.store.FailDelivery(ctx, d.ID, se.Code, now); err != nil {
		s.log.Error().Err(err).Str("delivery", d.ID).Msg("record refused send")
	}
	if err := s.store.AddUserAudit(ctx, AuditEvent{UserID: ch.UserID, Kind: "code.failed", Detail: detail, At: now}); err != nil {
		s.log.Error().Err(err).Str("delivery", d.ID).Msg("audit refused send")
	}
	// Twilio knows of a STOP that reached another number of the account or
	// a Messaging Service; remember it, so that the page offers a call.
	if errors.Is(se.Reason, ErrOptedOut) {
		if err := s.store.SetOptOut(ctx, ch.Phone, true, now); err != nil {
			s.log.Error().Err(err).Msg("record opt-out")
		}
	}
	return refused(status, msg, se)
}

// sendFailureWords returns the error code and the message for a Sender's reason.
func sendFailureWords(reason error) (string, string) {
	switch {
	case errors.Is(reason, ErrOptedOut):
		return EConflict, msgOptedOut
	case errors.Is(reason, ErrInvalidNumber):
		return EUnprocessable, msgInvalidNumber
	case errors.Is(reason, ErrNoSMS):
		return EConflict, msgNoSMS
	case errors.Is(reason, ErrNoRoute):
		return EUnprocessable, msgNoRoute
	case errors.Is(reason, ErrCredentials):
		return EUnavailable, msgCredentials
	default:
		return EUpstream, msgSendFailed
	}
}
