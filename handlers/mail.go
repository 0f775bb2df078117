package handlers

import (
	"context"
	"encoding/hex"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/mail"
)

// Outbox returns the mail queue, for the command line to run; nil when no
// mail can be sent.
func (s *Server) Outbox() *mail.Outbox { return s.mail }

// canMail reports whether messages can be sent: an SMTP server, or the
// dev mailbox in dev mode.
func (s *Server) canMail() bool { return s.mail != nil }

// failedCodesNotice is how many wrong codes after the right password make
// a login session tell its user, once.
const failedCodesNotice = 3

// queueMail queues the notice n of kind to the address to. A dedupe key
// lets one such message go ever. Without mail it does nothing.
func (s *Server) queueMail(ctx context.Context, kind, to string, n phonegate.Notice, dedupe string) error {
	if s.mail == nil {
		return nil
	}
	n.Kind, n.To, n.Dedupe = kind, to, dedupe
	if n.At.IsZero() {
		n.At = s.now()
	}
	return s.mail.Notify(ctx, n)
}

// notify queues a notice. The change it tells of is done already: a notice
// that cannot be queued is logged, and the user's request goes on.
func (s *Server) notify(ctx context.Context, kind string, u phonegate.User, d phonegate.Notice, dedupe string) {
	if err := s.queueMail(ctx, kind, u.Email, d, dedupe); err != nil {
		s.log.Error().Err(err).Str("kind", kind).Int64("user", u.ID).Msg("mail not queued")
	}
}

func (s *Server) accountLink() string { return s.publicURL("/account") }

// notifyPhoneChanged tells u that a new phone replaced old (E.164; the
// message shows both masked).
func (s *Server) notifyPhoneChanged(ctx context.Context, u phonegate.User, old, phone string) {
	s.notify(ctx, phonegate.NoticePhoneChanged, u, phonegate.Notice{Link: s.accountLink(),
		OldPhone: phonegate.MaskPhone(old), NewPhone: phonegate.MaskPhone(phone)}, "")
}

// notifyEmergencyUsed tells u that their emergency code was used.
func (s *Server) notifyEmergencyUsed(ctx context.Context, u phonegate.User) {
	s.notify(ctx, phonegate.NoticeEmergencyUsed, u, phonegate.Notice{Link: s.accountLink()}, "")
}

// notifyEmergencyRenewed tells u that a new emergency code was made.
func (s *Server) notifyEmergencyRenewed(ctx context.Context, u phonegate.User) {
	s.notify(ctx, phonegate.NoticeEmergencyRenewed, u, phonegate.Notice{Link: s.accountLink()}, "")
}

// noteFailedCode counts a wrong code (or emergency code) of the session,
// which got past the password; at the failedCodesNotice-th it tells the
// user, once per session.
func (s *Server) noteFailedCode(r *http.Request) {
	a := authFrom(r)
	ctx := r.Context()
	key := phonegate.FailedCodeKey(a.sess.TokenHash)
	now := s.now()
	if err := s.db.AddEvent(ctx, key, now); err != nil {
		s.log.Error().Err(err).Msg("wrong code not counted for its notice")
		return
	}
	n, err := s.db.CountEvents(ctx, key, now.Add(-SessionAbsolute))
	if err != nil {
		s.log.Error().Err(err).Msg("wrong codes not counted for their notice")
		return
	}
	if n >= failedCodesNotice {
		s.notify(ctx, phonegate.NoticeFailedCodes, a.user, phonegate.Notice{Link: s.accountLink()},
			"failed-codes:"+hex.EncodeToString(a.sess.TokenHash))
	}
}
