package phonegate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// CallStep is what a code call does next.
type CallStep int

// The steps of a code call.
const (
	// CallGate greets the callee and waits for a key before the code is
	// read, so that a voicemail box never records it.
	CallGate CallStep = iota + 1
	// CallCode reads the code, for CallAnswer.Round.
	CallCode
	// CallGoodbye ends a call in which no key was pressed.
	CallGoodbye
	// CallEnd ends a call whose callee chose not to hear the code again.
	CallEnd
)

// CallAnswer is what a call placed to deliver a code says next.
type CallAnswer struct {
	Step  CallStep
	Label string // the project the code is for, as the challenge names it
	Code  string // the code; only for CallCode
	Round int    // the reading of the code, from 1; only for CallCode
}

// AnswerCall is the start of a code call whose callee picked up: the
// greeting and the gate, for the call callSID placed by delivery
// deliveryID. It answers ErrNotFound when nothing may be said to that
// call: an unknown delivery, an ended challenge or call, or another call
// than the delivery's (DESIGN §2: the code is never spoken to another
// call). It makes one read, and a write only for the first request of a
// call whose SID the delivery does not have yet.
func (s *Service) AnswerCall(ctx context.Context, deliveryID, callSID string) (CallAnswer, error) {
	v, err := s.speakable(ctx, deliveryID, callSID)
	if err != nil {
		return CallAnswer{}, err
	}
	return CallAnswer{Step: CallGate, Label: v.Label}, nil
}

// PressKey is the next step of a code call after the key press digits
// ("" when none was pressed) at the gate, or at the repeat prompt that
// asks for reading round (round is "" at the gate): the code, read from
// its sealed copy at each request and returned to be spoken only; a
// goodbye when no key was pressed; the end of the call for a key other
// than 1 at the repeat prompt. It refuses as AnswerCall does.
func (s *Service) PressKey(ctx context.Context, deliveryID, callSID, digits, round string) (CallAnswer, error) {
	v, err := s.speakable(ctx, deliveryID, callSID)
	if err != nil {
		return CallAnswer{}, err
	}
	a := CallAnswer{Label: v.Label}
	if digits == "" {
		a.Step = CallGoodbye
		return a, nil
	}
	// The gate takes any key; the repeat prompt (a request with a round)
	// says "press 1", so only 1 repeats and any other key ends the call.
	// A round that is not a number is the first.
	n := 1
	if round != "" {
		if digits != "1" {
			a.Step = CallEnd
			return a, nil
		}
		if r, err := strconv.Atoi(round); err == nil {
			n = r
		}
	}
	code, err := s.keys.Open(v.ChallengeID, v.CodeSealed)
	if err != nil {
		return CallAnswer{}, fmt.Errorf("voice: cannot open the sealed code: %w", err)
	}
	a.Step, a.Code, a.Round = CallCode, code, n
	return a, nil
}

// speakable loads the delivery of a voice request and returns it when its
// code may be spoken now, to the call callSID; ErrNotFound when it may
// not.
func (s *Service) speakable(ctx context.Context, id, callSID string) (VoiceDelivery, error) {
	v, err := s.store.DeliveryForVoice(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return v, ErrNotFound
	case err != nil:
		return v, fmt.Errorf("voice: load delivery: %w", err)
	case !v.Speakable(s.now()):
		return v, ErrNotFound
	}
	if callSID != "" && callSID == v.SID {
		return v, nil // the usual case: the SID came with the read
	}
	if v.SID != "" || callSID == "" {
		s.log.Warn().Str("delivery", id).Msg("voice: request from another call refused")
		return v, ErrNotFound
	}
	// The REST answer with the SID is not stored yet: the first call that
	// asks becomes the delivery's.
	bound, err := s.store.BindCallSID(ctx, id, callSID)
	switch {
	case err != nil:
		return v, fmt.Errorf("voice: bind call: %w", err)
	case !bound:
		s.log.Warn().Str("delivery", id).Msg("voice: request from another call refused")
		return v, ErrNotFound
	}
	v.SID = callSID
	return v, nil
}
