package phonegate

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Enrollment is the phone and the channel an enrollment's first code goes
// to, as the form gives them.
type Enrollment struct {
	Number     string // as typed
	Country    string // ISO code of a number typed without +
	Channel    string // ChannelSMS or ChannelCall
	ClientAddr string // the client that asks, for the per-address send cap
}

// StartEnrollment starts the verification of a phone for session sess of
// user u (trustToken is the browser's trusted-computer token): it refuses
// numbers codes must not go to (NormalizePhone's rules and the allowed
// countries), makes an enrollment challenge and sends its first code by
// the channel chosen. The challenge is stored only with that send: a
// number that a limit refuses leaves the session's earlier challenge, and
// the code on its way, as they were. A refusal is an *Error with words to
// show; the delivery's ID is empty when nothing was stored. A send that
// failed after the challenge was stored returns the challenge, the
// delivery and the send's error, for the code page to say.
func (s *Service) StartEnrollment(ctx context.Context, u User, sess Session, trustToken string, e Enrollment) (Challenge, Delivery, error) {
	if e.Channel != ChannelSMS && e.Channel != ChannelCall {
		return Challenge{}, Delivery{}, &Error{Code: EInvalid, Message: "Choose how to get the code: a text message or a voice call."}
	}
	ph, err := ParsePhone(e.Number, e.Country, s.cfg.AllowedCountries)
	if err != nil {
		return Challenge{}, Delivery{}, &Error{Code: EInvalid, Message: enrollMessage(err), Cause: err}
	}
	if e.Channel == ChannelSMS && !ph.SMS {
		return Challenge{}, Delivery{}, &Error{Code: EInvalid, Message: enrollMessage(ErrPhoneNotForSMS), Cause: ErrPhoneNotForSMS}
	}
	if u.PhoneVerified && ph.E164 == u.Phone {
		return Challenge{}, Delivery{}, &Error{Code: EInvalid, Message: "That is already your verified phone."}
	}
	g, err := s.Gate(ctx, u, sess, trustToken)
	if err != nil {
		return Challenge{}, Delivery{}, err
	}
	c := s.challengeFor(u, sess, PurposeEnroll, ph.E164, g.Project.Name)
	d, err := s.StartChallenge(ctx, c, e.Channel, e.ClientAddr)
	return c, d, err
}

// enrollMessage turns an error's lower-case text into a message for the page.
func enrollMessage(err error) string {
	msg := err.Error()
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
