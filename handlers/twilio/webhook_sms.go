package twilio

import (
	"net/http"
	"strings"

	"github.com/phonegate/phonegate/twiml"
)

// replyFault answers an inbound message that could not be handled.
const replyFault = "Sorry, something went wrong. Please try again in a moment."

// smsInbound answers a message to the Twilio number with what the service
// says to reply (see phonegate.Service.InboundSMS): a Message, or an empty
// document when there is nothing to say.
func (s *Webhooks) smsInbound(w http.ResponseWriter, r *http.Request, p *Params) {
	from := strings.TrimSpace(p.Post.Get("From"))
	reply, err := s.svc.InboundSMS(r.Context(), from, p.Post.Get("Body"))
	switch {
	case err != nil:
		s.log.Error().Err(err).Msg("inbound message")
		writeTwiML(w, twiml.Reply(replyFault))
	case reply.Text == "":
		writeTwiML(w, twiml.Empty())
	default:
		writeTwiML(w, twiml.Reply(reply.Text))
	}
}
