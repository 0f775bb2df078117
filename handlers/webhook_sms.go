package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/twiml"
)

// The replies to inbound messages.
const (
	replyOptIn    = "You are opted back in to verification texts."
	replyHelp     = "phonegate verification codes. Reply STOP to stop texts, NO if you did not ask for a code."
	replyCancel   = "Thanks. The pending code request was cancelled."
	replyNone     = "There was no pending code request for this number."
	replyVerified = "Thanks, your phone is verified. Go back to the page to continue."
	replyUnknown  = "Sorry, that was not understood. Reply HELP for help."
	replyFault    = "Sorry, something went wrong. Please try again in a moment."
)

// smsKeywords maps the keywords of an inbound message to what they ask.
// Twilio's standard opt-out and opt-in words are honoured (DESIGN §1.8).
var smsKeywords = map[string]string{
	"STOP": "stop", "STOPALL": "stop", "UNSUBSCRIBE": "stop", "CANCEL": "stop", "END": "stop", "QUIT": "stop",
	"START": "start", "YES": "start", "UNSTOP": "start",
	"HELP": "help", "INFO": "help",
	"NO": "no", "NOT ME": "no",
}

// smsInbound answers a message to the Twilio number. STOP and its kin
// record an opt-out and answer nothing (Twilio itself confirms STOP on long
// codes); START opts back in; HELP explains; NO cancels the number's
// pending code requests; any other text is tried as a reply code.
func (s *Server) smsInbound(w http.ResponseWriter, r *http.Request) {
	from := strings.TrimSpace(r.PostForm.Get("From"))
	doc, err := s.answerSMS(r.Context(), from, r.PostForm.Get("Body"))
	if err != nil {
		s.log.Error().Err(err).Msg("inbound message")
		doc = twiml.Reply(replyFault)
	}
	writeTwiML(w, doc)
}

// answerSMS does what an inbound message from from asks and returns the
// reply. The body may hold a reply code, so it is never logged.
func (s *Server) answerSMS(ctx context.Context, from, body string) (*twiml.Response, error) {
	if from == "" {
		return twiml.Reply(replyUnknown), nil
	}
	now := s.now()
	log := s.log.With().Str("from", phonegate.MaskPhone(from)).Logger()
	switch smsKeywords[smsKeyword(body)] {
	case "stop":
		log.Info().Msg("number opted out of text messages")
		return twiml.Empty(), s.db.SetOptOut(ctx, from, true, now)
	case "start":
		log.Info().Msg("number opted back in to text messages")
		if err := s.db.SetOptOut(ctx, from, false, now); err != nil {
			return nil, err
		}
		return twiml.Reply(replyOptIn), nil
	case "help":
		return twiml.Reply(replyHelp), nil
	case "no":
		n, err := s.db.CancelPendingForPhone(ctx, from, now)
		if err != nil {
			return nil, err
		}
		log.Info().Int("cancelled", n).Msg("the phone's holder replied NO")
		if n == 0 {
			return twiml.Reply(replyNone), nil
		}
		return twiml.Reply(replyCancel), nil
	}
	c, err := s.db.ApproveByReply(ctx, from, s.cfg.Keys.ReplyMAC(from, body), now)
	if errors.Is(err, phonegate.ErrNotFound) {
		return twiml.Reply(replyUnknown), nil
	}
	if err != nil {
		return nil, err
	}
	log.Info().Int64("user", c.UserID).Msg("challenge approved by reply")
	return twiml.Reply(replyVerified), nil
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
