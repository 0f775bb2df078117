package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/phonegate/phonegate"
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
	msgAllSends    = "This challenge has used its 5 sends; start again."
)

// refused is a send that did not happen: the words for the user, and the
// cause for errors.Is and errors.As.
func refused(code, msg string, cause error) error {
	return &phonegate.Error{Code: code, Message: msg, Cause: cause}
}

// limitRefusal turns what ReserveSend refused for a send of ch by channel
// into words; other errors pass through.
func (s *Server) limitRefusal(ctx context.Context, ch phonegate.Challenge, channel string, err error, now time.Time) error {
	var le *phonegate.SendLimitError
	switch {
	case errors.Is(err, phonegate.ErrChallengeEnded):
		return refused(phonegate.EConflict, msgEnded, err)
	case !errors.As(err, &le):
		return err
	case le.Reason == phonegate.LimitCooldown:
		return refused(phonegate.ELimited, "You can send another code in "+seconds(le.RetryAt.Sub(now))+".", err)
	case le.Reason == phonegate.LimitNumber:
		return refused(phonegate.ELimited, "Too many codes were sent to this number; try again after "+
			s.retryTime(le.RetryAt)+".", err)
	case le.Reason == phonegate.LimitChallenge:
		return refused(phonegate.ELimited, msgAllSends, err)
	default:
		return s.capRefusal(ctx, ch, channel, le, err)
	}
}

// retryTime says when a refused send may be tried again, in UTC: the time
// of day when that is today, else the date too, so that "after 09:34 UTC"
// read at 09:35 cannot mean tomorrow.
func (s *Server) retryTime(at time.Time) string {
	at, now := at.UTC(), s.now().UTC()
	if at.Year() == now.Year() && at.YearDay() == now.YearDay() {
		return at.Format("15:04") + " UTC"
	}
	return at.Format("15:04") + " UTC on " + at.Format("2 January")
}

// seconds says a wait in whole seconds, rounded up: "1 second", "23 seconds".
func seconds(d time.Duration) string {
	n := int((d + time.Second - 1) / time.Second)
	if n <= 1 {
		return "1 second"
	}
	return fmt.Sprintf("%d seconds", n)
}

// sendFailed records a send the provider refused: the delivery fails with
// the provider's code, the refusal is audited in words, and the user gets
// a message that says what to do.
func (s *Server) sendFailed(ctx context.Context, ch phonegate.Challenge, d phonegate.Delivery, err error) error {
	se, ok := errors.AsType[*phonegate.SendError](err)
	if !ok {
		// A Sender that returns no SendError (a timeout, say) failed in a
		// way nobody can name: it is treated as a failure to try again.
		se = &phonegate.SendError{Reason: phonegate.ErrSendFailed, Detail: err.Error()}
	}
	now := s.now()
	status, msg := sendFailureWords(se.Reason)
	detail := fmt.Sprintf("%s to %s not sent: %v", channelWords(d.Channel), phonegate.MaskPhone(ch.Phone), se.Reason)
	if se.Code != 0 {
		detail += fmt.Sprintf(" (error %d)", se.Code)
	}
	ev := s.log.Warn()
	if errors.Is(se.Reason, phonegate.ErrCredentials) {
		ev = s.log.Error()
	}
	ev.Str("delivery", d.ID).Str("channel", d.Channel).Int("code", se.Code).Str("detail", se.Detail).
		Msg("send refused: " + se.Reason.Error())
	// The user's answer is the refusal; a store error on the way is logged
	// so that it does not hide it.
	if err := s.db.FailDelivery(ctx, d.ID, se.Code, now); err != nil {
		s.log.Error().Err(err).Str("delivery", d.ID).Msg("record refused send")
	}
	if err := s.db.AddUserAudit(ctx, phonegate.AuditEvent{UserID: ch.UserID, Kind: "code.failed", Detail: detail, At: now}); err != nil {
		s.log.Error().Err(err).Str("delivery", d.ID).Msg("audit refused send")
	}
	// Twilio knows of a STOP that reached another number of the account or
	// a Messaging Service; remember it, so that the page offers a call.
	if errors.Is(se.Reason, phonegate.ErrOptedOut) {
		if err := s.db.SetOptOut(ctx, ch.Phone, true, now); err != nil {
			s.log.Error().Err(err).Msg("record opt-out")
		}
	}
	return refused(status, msg, se)
}

// sendFailureWords returns the error code and the message for a Sender's reason.
func sendFailureWords(reason error) (string, string) {
	switch {
	case errors.Is(reason, phonegate.ErrOptedOut):
		return phonegate.EConflict, msgOptedOut
	case errors.Is(reason, phonegate.ErrInvalidNumber):
		return phonegate.EUnprocessable, msgInvalidNumber
	case errors.Is(reason, phonegate.ErrNoSMS):
		return phonegate.EConflict, msgNoSMS
	case errors.Is(reason, phonegate.ErrNoRoute):
		return phonegate.EUnprocessable, msgNoRoute
	case errors.Is(reason, phonegate.ErrCredentials):
		return phonegate.EUnavailable, msgCredentials
	default:
		return phonegate.EUpstream, msgSendFailed
	}
}
