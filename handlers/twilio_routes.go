package handlers

import (
	"net/http"

	"github.com/julienschmidt/httprouter"
)

// twilioRoutes registers Twilio's webhooks (DESIGN §4), each behind the
// signature check, and, in dev mode only, the dev phone.
func (s *Server) twilioRoutes(r *httprouter.Router) {
	for _, rt := range []struct {
		path string
		h    http.HandlerFunc
	}{
		{"/twilio/voice", s.voice},
		{"/twilio/voice/gather", s.voiceGather},
		{"/twilio/voice/status", s.voiceStatus},
		{"/twilio/voice/inbound", s.voiceInbound},
		{"/twilio/sms/status", s.smsStatus},
		{"/twilio/sms/inbound", s.smsInbound},
	} {
		r.Handler(http.MethodPost, rt.path, s.twilioSigned(rt.h))
	}
	if s.cfg.DevMode {
		s.devPhoneRoutes(r)
	}
}
