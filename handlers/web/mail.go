package web

import (
	"context"

	"github.com/phonegate/phonegate"
)

// canMail reports whether messages can be sent: an SMTP server, or the
// dev mailbox in dev mode.
func (s *Server) canMail() bool { return s.mail != nil }

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
