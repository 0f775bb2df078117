package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/phonegate/phonegate"
)

// Statuses each status route takes. A status of the other channel, or one
// phonegate does not know, is ignored.
var (
	smsStatuses = map[string]bool{"accepted": true, "scheduled": true, "queued": true, "sending": true,
		"sent": true, "delivered": true, "undelivered": true, "failed": true, "read": true, "canceled": true}
	callStatuses = map[string]bool{"queued": true, "initiated": true, "ringing": true, "in-progress": true,
		"answered": true, "completed": true, "busy": true, "no-answer": true, "failed": true, "canceled": true}
)

// fallbackTimeout bounds the automatic call placed from a status callback.
// The REST call's own timeout is shorter; this only keeps a stuck Sender
// from holding the callback forever.
const fallbackTimeout = 12 * time.Second

// smsStatus takes Twilio's message status callback.
func (s *Server) smsStatus(w http.ResponseWriter, r *http.Request) {
	status := r.PostForm.Get("MessageStatus")
	if status == "" {
		status = r.PostForm.Get("SmsStatus") // older accounts send only this one
	}
	s.answerStatus(w, s.deliveryStatus(r, smsStatuses, status))
}

// voiceStatus takes Twilio's call status callback.
func (s *Server) voiceStatus(w http.ResponseWriter, r *http.Request) {
	s.answerStatus(w, s.deliveryStatus(r, callStatuses, r.PostForm.Get("CallStatus")))
}

// answerStatus answers a status callback: 204 once the status is stored
// (or there was nothing to store), 503 when the store refused it, so that
// a 2xx always means the update is in the database.
func (s *Server) answerStatus(w http.ResponseWriter, err error) {
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deliveryStatus moves the request's delivery to status, and writes the
// audit event of a final status in the same transaction. An unknown
// delivery or status is nothing Twilio could fix and is no error; only a
// failure to store the status is returned. The automatic call that
// follows an undelivered text is logged, not returned: the status itself
// is safe.
func (s *Server) deliveryStatus(r *http.Request, known map[string]bool, status string) error {
	id := deliveryParam(r)
	if id == "" || !known[status] {
		return nil
	}
	code, err := strconv.Atoi(r.PostForm.Get("ErrorCode"))
	if err != nil || code < 0 {
		code = 0
	}
	ctx := r.Context()
	// The number the callback names is masked here, in the request's own
	// goroutine, so that the store's one writer, which writes the audit
	// event, does not parse phone numbers (MaskPhone takes some 20 µs);
	// the event uses it only when it is the delivery's own number.
	var to, masked string
	if phonegate.DeliveryFinal(status) {
		to = r.PostForm.Get("To")
		masked = phonegate.MaskPhone(to)
	}
	changed, d, err := s.db.ApplyStatus(ctx, phonegate.StatusUpdate{ID: id, Status: status, ErrorCode: code, At: s.now(),
		Audit: func(d phonegate.Delivery) phonegate.AuditEvent { return s.outcomeEvent(d, to, masked) }})
	if errors.Is(err, phonegate.ErrNotFound) {
		return nil
	}
	if err != nil {
		s.log.Error().Err(err).Str("delivery", id).Msg("status callback")
		return err
	}
	if !changed || d.Channel != phonegate.ChannelSMS || phonegate.DeliveryOutcome(d.Channel, d.Status) != phonegate.OutcomeFailed {
		return nil
	}
	// The text will not arrive: the automatic call is placed once per
	// challenge, whichever callback made the delivery final, and must not
	// stop if Twilio hangs up on us.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fallbackTimeout)
	defer cancel()
	ch, err := s.db.Challenge(ctx, d.ChallengeID)
	if err != nil {
		s.log.Error().Err(err).Str("delivery", id).Msg("status callback: load challenge")
		return nil
	}
	s.fallbackCall(ctx, ch)
	return nil
}

// outcomeEvent is the audit event of a delivery's final status, written
// with the status itself. masked is MaskPhone(to), made beforehand; it
// stands for the delivery's number only when to is that number.
func (s *Server) outcomeEvent(d phonegate.Delivery, to, masked string) phonegate.AuditEvent {
	kind := "code.undelivered"
	if phonegate.DeliveryOutcome(d.Channel, d.Status) == phonegate.OutcomeArrived {
		kind = "code.delivered"
	}
	if to != d.To || masked == "" {
		masked = phonegate.MaskPhone(d.To)
	}
	detail := channelWords(d.Channel) + " to " + masked + ": " + phonegate.DeliveryWords(d)
	return phonegate.AuditEvent{Kind: kind, Detail: detail, At: s.now()}
}

// fallbackCall places the automatic call of a challenge whose text message
// did not arrive: once per challenge, within the send limits. A call that
// is not answered places nothing: the code page offers a text instead.
func (s *Server) fallbackCall(ctx context.Context, ch phonegate.Challenge) {
	if ch.State != phonegate.ChallengePending || !s.now().Before(ch.ExpiresAt) {
		return
	}
	claimed, err := s.db.ClaimAutoCall(ctx, ch.ID)
	if err != nil {
		s.log.Error().Err(err).Msg("claim the automatic call")
		return
	}
	if !claimed {
		return
	}
	detail := "the text message was not delivered, so a call was placed automatically"
	if _, err := s.sendCode(ctx, ch, phonegate.ChannelCall, true); err != nil {
		why := "an error on the server"
		if ue, ok := errors.AsType[*phonegate.Error](err); ok {
			why = ue.Message
		} else {
			s.log.Error().Err(err).Msg("automatic call")
		}
		detail = "the text message was not delivered; the automatic call was not placed: " + why
	}
	if err := s.db.AddUserAudit(ctx, phonegate.AuditEvent{UserID: ch.UserID, Kind: "code.fallback", Detail: detail, At: s.now()}); err != nil {
		s.log.Error().Err(err).Msg("audit the automatic call")
	}
}
