package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/twiml"
)

// voice answers /twilio/voice, which Twilio requests when the callee picks
// up: the greeting and the gate that waits for a key before the code is
// read, so that a voicemail box never records it. The code is not in this
// document at all.
func (s *Server) voice(w http.ResponseWriter, r *http.Request) {
	id := deliveryParam(r)
	v, ok := s.speakable(w, r, id)
	if !ok {
		return
	}
	writeTwiML(w, twiml.CallGate(s.callScript(id, v.Label, "")))
}

// voiceGather answers /twilio/voice/gather, which the gate's and the
// repeat prompt's Gather request with the key pressed: the code for the
// round asked for (at most twiml.MaxRounds), or a goodbye when no key was
// pressed or a key other than 1 at the repeat prompt. The code is read from the sealed copy at each request and goes
// nowhere but into this document.
func (s *Server) voiceGather(w http.ResponseWriter, r *http.Request) {
	id := deliveryParam(r)
	v, ok := s.speakable(w, r, id)
	if !ok {
		return
	}
	digits := r.PostForm.Get("Digits")
	if digits == "" {
		writeTwiML(w, twiml.CallGoodbye(s.callScript(id, v.Label, "")))
		return
	}
	// The gate takes any key; the repeat prompt (a request with a round)
	// says "press 1", so only 1 repeats and any other key ends the call.
	// A round out of range is taken as the nearest.
	round := 1
	if rs := r.URL.Query().Get(twiml.RoundParam); rs != "" {
		if digits != "1" {
			writeTwiML(w, s.callEnd())
			return
		}
		if n, err := strconv.Atoi(rs); err == nil {
			round = n
		}
	}
	code, err := s.cfg.Keys.Open(v.ChallengeID, v.CodeSealed)
	if err != nil {
		s.log.Error().Err(err).Str("delivery", id).Msg("voice: cannot open the sealed code")
		writeTwiML(w, twiml.Sorry())
		return
	}
	writeTwiML(w, twiml.CallCode(s.callScript(id, v.Label, code), round))
}

// callEnd is the goodbye of a call whose caller chose not to hear the code
// again, in the call's voice.
func (s *Server) callEnd() *twiml.Response {
	return &twiml.Response{Verbs: []twiml.Verb{
		twiml.Say{Text: "Goodbye.", Voice: s.cfg.Voice, Language: s.cfg.VoiceLanguage},
		twiml.Hangup{},
	}}
}

// speakable loads the delivery of a voice request and reports whether its
// code may be spoken now, to this call. When it may not, it has answered
// already: polite TwiML for an unknown delivery, an ended challenge or
// call, or another call than the delivery's (DESIGN §2: the code never
// appears in TwiML for another call); "sorry" for a fault of ours; 200
// and text/xml either way.
func (s *Server) speakable(w http.ResponseWriter, r *http.Request, id string) (phonegate.VoiceDelivery, bool) {
	v, err := s.db.DeliveryForVoice(r.Context(), id)
	switch {
	case errors.Is(err, phonegate.ErrNotFound):
		writeTwiML(w, twiml.Unknown())
		return v, false
	case err != nil:
		s.log.Error().Err(err).Str("delivery", id).Msg("voice: load delivery")
		writeTwiML(w, twiml.Sorry())
		return v, false
	case !v.Speakable(s.now()):
		writeTwiML(w, twiml.Unknown())
		return v, false
	}
	callSID := r.PostForm.Get("CallSid")
	if callSID != "" && callSID == v.SID {
		return v, true // the usual case: the SID came with the read
	}
	if v.SID != "" || callSID == "" {
		s.log.Warn().Str("delivery", id).Msg("voice: request from another call refused")
		writeTwiML(w, twiml.Unknown())
		return v, false
	}
	// The REST answer with the SID is not stored yet: the first call that
	// asks becomes the delivery's.
	bound, err := s.db.BindCallSID(r.Context(), id, callSID)
	switch {
	case err != nil:
		s.log.Error().Err(err).Str("delivery", id).Msg("voice: bind call")
		writeTwiML(w, twiml.Sorry())
		return v, false
	case !bound:
		s.log.Warn().Str("delivery", id).Msg("voice: request from another call refused")
		writeTwiML(w, twiml.Unknown())
		return v, false
	}
	v.SID = callSID
	return v, true
}

// callScript is the script of a code call for delivery id.
func (s *Server) callScript(id, label, code string) twiml.CallScript {
	return twiml.CallScript{
		Project:   phonegate.CodeProject(label),
		Code:      code,
		Voice:     s.cfg.Voice,
		Language:  s.cfg.VoiceLanguage,
		GatherURL: s.publicURL("/twilio/voice/gather?d=" + url.QueryEscape(id)),
	}
}

// voiceInbound answers a call to the Twilio number: it only places calls.
func (s *Server) voiceInbound(w http.ResponseWriter, r *http.Request) {
	writeTwiML(w, twiml.InboundCall(""))
}
