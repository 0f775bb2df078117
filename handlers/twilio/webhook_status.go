package twilio

import (
	"net/http"
	"strconv"

	"github.com/phonegate/phonegate"
)

// smsStatus takes Twilio's message status callback.
func (s *Webhooks) smsStatus(w http.ResponseWriter, r *http.Request, p *Params) {
	status := p.Post.Get("MessageStatus")
	if status == "" {
		status = p.Post.Get("SmsStatus") // older accounts send only this one
	}
	s.answerStatus(w, r, p, phonegate.ChannelSMS, status)
}

// voiceStatus takes Twilio's call status callback.
func (s *Webhooks) voiceStatus(w http.ResponseWriter, r *http.Request, p *Params) {
	s.answerStatus(w, r, p, phonegate.ChannelCall, p.Post.Get("CallStatus"))
}

// answerStatus hands the callback's status of channel to the service
// (phonegate.Service.DeliveryStatus) and answers: 204 once the status is
// stored (or there was nothing to store), 503 when the store refused it,
// so that a 2xx always means the update is in the database.
func (s *Webhooks) answerStatus(w http.ResponseWriter, r *http.Request, p *Params, channel, status string) {
	code, err := strconv.Atoi(p.Post.Get("ErrorCode"))
	if err != nil {
		code = 0
	}
	err = s.svc.DeliveryStatus(r.Context(), phonegate.StatusReport{Channel: channel, ID: deliveryParam(p),
		Status: status, ErrorCode: code, To: p.Post.Get("To")})
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
