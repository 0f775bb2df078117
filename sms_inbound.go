package phonegate

import (
	"context"
	"errors"
	"strings"
	"unicode"
)

// The replies to inbound messages.
const (
	replyOptIn    = "You are opted back in to verification texts."
	replyHelp     = "phonegate verification codes. Reply STOP to stop texts, NO if you did not ask for a code."
	replyCancel   = "Thanks. The pending code request was cancelled."
	replyNone     = "There was no pending code request for this number."
	replyVerified = "Thanks, your phone is verified. Go back to the page to continue."
	replyUnknown  = "Sorry, that was not understood. Reply HELP for help."
)

// smsKeywords maps the keywords of an inbound message to what they ask.
// Twilio's standard opt-out and opt-in words are honoured (DESIGN §1.8).
var smsKeywords = map[string]string{
	"STOP": "stop", "STOPALL": "stop", "UNSUBSCRIBE": "stop", "CANCEL": "stop", "END": "stop", "QUIT": "stop",
	"START": "start", "YES": "start", "UNSTOP": "start",
	"HELP": "help", "INFO": "help",
	"NO": "no", "NOT ME": "no",
}

// InboundReply is the answer to a message sent to the Twilio number.
type InboundReply struct {
	// Text is the reply to send back; empty for no reply at all.
	Text string
}

// InboundSMS does what a message from the phone number from asks and
// returns the reply. STOP and its kin record an opt-out and answer nothing
// (Twilio itself confirms STOP on long codes); START opts back in; HELP
// explains; NO cancels the number's pending code requests; any other text
// is tried as a reply code that approves the number's pending challenge.
// The body may hold a reply code, so it is never logged.
func (s *Service) InboundSMS(ctx context.Context, from, body string) (InboundReply, error) {
	if from == "" {
		return InboundReply{Text: replyUnknown}, nil
	}
	now := s.now()
	log := s.log.With().Str("from", MaskPhone(from)).Logger()
	switch smsKeywords[smsKeyword(body)] {
	case "stop":
		log.Info().Msg("number opted out of text messages")
		return InboundReply{}, s.store.SetOptOut(ctx, from, true, now)
	case "start":
		log.Info().Msg("number opted back in to text messages")
		if err := s.store.SetOptOut(ctx, from, false, now); err != nil {
			return InboundReply{}, err
		}
		return InboundReply{Text: replyOptIn}, nil
	case "help":
		return InboundReply{Text: replyHelp}, nil
	case "no":
		n, err := s.store.CancelPendingForPhone(ctx, from, now)
		if err != nil {
			return InboundReply{}, err
		}
		log.Info().Int("cancelled", n).Msg("the phone's holder replied NO")
		if n == 0 {
			return InboundReply{Text: replyNone}, nil
		}
		return InboundReply{Text: replyCancel}, nil
	}
	c, err := s.store.ApproveByReply(ctx, from, s.keys.ReplyMAC(from, body), now)
	if errors.Is(err, ErrNotFound) {
		return InboundReply{Text: replyUnknown}, nil
	}
	if err != nil {
		return InboundReply{}, err
	}
	log.Info().Int64("user", c.UserID).Msg("challenge approved by reply")
	return InboundReply{Text: replyVerified}, nil
}

// smsKeyword reads a message as a keyword: upper case, spaces and
// punctuation trimmed from both ends, inner spaces collapsed ("  not me! "
// is "NOT ME").
func smsKeyword(body string) string {
	if len(body) > 64 {
		return "" // no keyword is that long; spare the work
	}
	body = strings.TrimFunc(body, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	})
	return strings.ToUpper(strings.Join(strings.Fields(body), " "))
}
