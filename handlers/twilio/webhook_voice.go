package twilio

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/twiml"
)

// voice answers /twilio/voice, which Twilio requests when the callee picks
// up: the greeting and the gate that waits for a key before the code is
// read, so that a voicemail box never records it. The code is not in this
// document at all.
func (s *Webhooks) voice(w http.ResponseWriter, r *http.Request, p *Params) {
	id := deliveryParam(p)
	a, err := s.svc.AnswerCall(r.Context(), id, p.Post.Get("CallSid"))
	s.writeCall(w, id, a, err)
}

// voiceGather answers /twilio/voice/gather, which the gate's and the
// repeat prompt's Gather request with the key pressed: the code for the
// round asked for (at most twiml.MaxRounds), or a goodbye when no key was
// pressed or a key other than 1 at the repeat prompt. The code goes
// nowhere but into this document.
func (s *Webhooks) voiceGather(w http.ResponseWriter, r *http.Request, p *Params) {
	id := deliveryParam(p)
	a, err := s.svc.PressKey(r.Context(), id, p.Post.Get("CallSid"), p.Post.Get("Digits"), p.Query.Get(twiml.RoundParam))
	s.writeCall(w, id, a, err)
}

// writeCall answers a voice request for delivery id with the TwiML of
// what the call does next. A call that may not be told anything gets
// polite TwiML, a fault of ours "sorry"; 200 and text/xml either way.
func (s *Webhooks) writeCall(w http.ResponseWriter, id string, a phonegate.CallAnswer, err error) {
	switch {
	case errors.Is(err, phonegate.ErrNotFound):
		writeTwiML(w, twiml.Unknown())
	case err != nil:
		s.log.Error().Err(err).Str("delivery", id).Msg("voice webhook")
		writeTwiML(w, twiml.Sorry())
	case a.Step == phonegate.CallGate:
		writeTwiML(w, twiml.CallGate(s.callScript(id, a.Label, "")))
	case a.Step == phonegate.CallGoodbye:
		writeTwiML(w, twiml.CallGoodbye(s.callScript(id, a.Label, "")))
	case a.Step == phonegate.CallEnd:
		writeTwiML(w, s.callEnd())
	default:
		writeTwiML(w, twiml.CallCode(s.callScript(id, a.Label, a.Code), a.Round))
	}
}

// callEnd is the goodbye of a call whose caller chose not to hear the code
// again, in the call's voice.
func (s *Webhooks) callEnd() *twiml.Response {
	return &twiml.Response{Verbs: []twiml.Verb{
		twiml.Say{Text: "Goodbye.", Voice: s.cfg.Voice, Language: s.cfg.VoiceLanguage},
		twiml.Hangup{},
	}}
}

// callScript is the script of a code call for delivery id.
func (s *Webhooks) callScript(id, label, code string) twiml.CallScript {
	return twiml.CallScript{
		Project:   phonegate.CodeProject(label),
		Code:      code,
		Voice:     s.cfg.Voice,
		Language:  s.cfg.VoiceLanguage,
		GatherURL: s.gather + url.QueryEscape(id),
	}
}

// voiceInbound answers a call to the Twilio number: it only places calls.
func (s *Webhooks) voiceInbound(w http.ResponseWriter, _ *http.Request, _ *Params) {
	writeTwiML(w, twiml.InboundCall(""))
}
