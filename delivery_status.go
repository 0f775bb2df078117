package phonegate

import (
	"context"
	"errors"
	"time"
)

// StatusReport is what a status callback says of one delivery.
type StatusReport struct {
	Channel   string // the channel whose callback it is: ChannelSMS or ChannelCall
	ID        string // the delivery ID the callback URL carries
	Status    string // Twilio's message or call status
	ErrorCode int    // the provider's error code; 0 for none
	To        string // the number the callback names
}

// Statuses each channel's callback takes. A status of the other channel,
// or one phonegate does not know, is ignored.
var reportStatuses = map[string]map[string]bool{
	ChannelSMS: {"accepted": true, "scheduled": true, "queued": true, "sending": true,
		"sent": true, "delivered": true, "undelivered": true, "failed": true, "read": true, "canceled": true},
	ChannelCall: {"queued": true, "initiated": true, "ringing": true, "in-progress": true,
		"answered": true, "completed": true, "busy": true, "no-answer": true, "failed": true, "canceled": true},
}

// fallbackTimeout bounds the automatic call placed from a status callback.
// The REST call's own timeout is shorter; this only keeps a stuck Sender
// from holding the callback forever.
const fallbackTimeout = 12 * time.Second

// DeliveryStatus moves the reported delivery to its status, and writes the
// audit event of a final status in the same transaction. An unknown
// delivery or status is nothing Twilio could fix and is no error; only a
// failure to store the status is returned. When the status says a text
// message will not arrive (DeliveryOutcome), the automatic call is placed;
// its failure is logged, not returned: the status itself is safe.
func (s *Service) DeliveryStatus(ctx context.Context, rep StatusReport) error {
	if rep.ID == "" || !reportStatuses[rep.Channel][rep.Status] {
		return nil
	}
	code := max(rep.ErrorCode, 0)
	// The number the callback names is masked here, in the caller's own
	// goroutine, so that the store's one writer, which writes the audit
	// event, does not parse phone numbers (MaskPhone takes some 20 µs);
	// the event uses it only when it is the delivery's own number.
	var to, masked string
	if DeliveryFinal(rep.Status) {
		to = rep.To
		masked = MaskPhone(to)
	}
	changed, d, err := s.store.ApplyStatus(ctx, StatusUpdate{ID: rep.ID, Status: rep.Status, ErrorCode: code, At: s.now(),
		Audit: func(d Delivery) AuditEvent { return s.outcomeEvent(d, to, masked) }})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		s.log.Error().Err(err).Str("delivery", rep.ID).Msg("status callback")
		return err
	}
	if changed {
		s.obs.DeliveryStatus(d.Channel, rep.Status, code)
	}
	if !changed || d.Channel != ChannelSMS || DeliveryOutcome(d.Channel, d.Status) != OutcomeFailed {
		return nil
	}
	// The text will not arrive: the automatic call is placed once per
	// challenge, whichever callback made the delivery final, and must not
	// stop if Twilio hangs up on us.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fallbackTimeout)
	defer cancel()
	ch, err := s.store.Challenge(ctx, d.ChallengeID)
	if err != nil {
		s.log.Error().Err(err).Str("delivery", rep.ID).Msg("status callback: load challenge")
		return nil
	}
	s.fallbackCall(ctx, ch)
	return nil
}

// outcomeEvent is the audit event of a delivery's final status, written
// with the status itself. masked is MaskPhone(to), made beforehand; it
// stands for the delivery's number only when to is that number.
func (s *Service) outcomeEvent(d Delivery, to, masked string) AuditEvent {
	kind := "code.undelivered"
	if DeliveryOutcome(d.Channel, d.Status) == OutcomeArrived {
		kind = "code.delivered"
	}
	if to != d.To || masked == "" {
		masked = MaskPhone(d.To)
	}
	detail := channelWords(d.Channel) + " to " + masked + ": " + DeliveryWords(d)
	return AuditEvent{Kind: kind, Detail: detail, At: s.now()}
}

// fallbackCall places the automatic call of a challenge whose text message
// did not arrive: once per challenge, within the send limits. A call that
// is not answered places nothing: the code page offers a text instead.
func (s *Service) fallbackCall(ctx context.Context, ch Challenge) {
	// A verification's app decides itself whether to call, as with Verify.
	if ch.State != ChallengePending || !s.now().Before(ch.ExpiresAt) || ch.Purpose == PurposeVerify {
		return
	}
	claimed, err := s.store.ClaimAutoCall(ctx, ch.ID)
	if err != nil {
		s.log.Error().Err(err).Msg("claim the automatic call")
		return
	}
	if !claimed {
		return
	}
	detail := "the text message was not delivered, so a call was placed automatically"
	if _, err := s.sendCode(ctx, ch, ChannelCall, "", true); err != nil {
		why := "an error on the server"
		if ue, ok := errors.AsType[*Error](err); ok {
			why = ue.Message
		} else {
			s.log.Error().Err(err).Msg("automatic call")
		}
		detail = "the text message was not delivered; the automatic call was not placed: " + why
	}
	if err := s.store.AddUserAudit(ctx, AuditEvent{UserID: ch.UserID, Kind: "code.fallback", Detail: detail, At: s.now()}); err != nil {
		s.log.Error().Err(err).Msg("audit the automatic call")
	}
}
