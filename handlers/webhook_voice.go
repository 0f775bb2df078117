package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/phonegate/phonegate/store"
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
// pressed. The code is read from the sealed copy at each request and goes
// nowhere but into this document.
func (s *Server) voiceGather(w http.ResponseWriter, r *http.Request) {
	id := deliveryParam(r)
	v, ok := s.speakable(w, r, id)
	if !ok {
		return
	}
	if r.PostForm.Get("Digits") == "" {
		writeTwiML(w, twiml.CallGoodbye(s.callScript(id, v.Label, "")))
		return
	}
	code, err := s.cfg.Keys.Open(v.ChallengeID, v.CodeSealed)
	if err != nil {
		s.log.Error().Err(err).Str("delivery", id).Msg("voice: cannot open the sealed code")
		writeTwiML(w, twiml.Sorry())
		return
	}
	// Any key at the repeat prompt repeats: a caller who pressed 2 wants the
	// code again, not a hang-up. A round out of range is taken as the nearest.
	round, err := strconv.Atoi(r.URL.Query().Get(twiml.RoundParam))
	if err != nil {
		round = 1
	}
	writeTwiML(w, twiml.CallCode(s.callScript(id, v.Label, code), round))
}

// speakable loads the delivery of a voice request and reports whether its
// code may be spoken now. When it may not, it has answered already: polite
// TwiML for an unknown delivery or an ended challenge, "sorry" for a fault
// of ours, 200 and text/xml either way.
func (s *Server) speakable(w http.ResponseWriter, r *http.Request, id string) (store.VoiceDelivery, bool) {
	v, err := s.db.DeliveryForVoice(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
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
	return v, true
}

// callScript is the script of a code call for delivery id.
func (s *Server) callScript(id, label, code string) twiml.CallScript {
	return twiml.CallScript{
		Project:   label,
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
