package handlers

import (
	"context"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/mail"
)

// Outbox returns the mail queue, for the command line to run; nil when no
// mail can be sent.
func (s *Server) Outbox() *mail.Outbox { return s.mail }

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

func (s *Server) accountLink() string { return s.publicURL("/account") }

// notifyPasswordChanged tells u that their password was changed.
func (s *Server) notifyPasswordChanged(ctx context.Context, u phonegate.User) {
	s.notify(ctx, phonegate.NoticePasswordChanged, u, phonegate.Notice{Link: s.publicURL("/login")}, "")
}

// notifyReset tells u that by, managing project, reset their second
// factor. recoveryCode, when not empty, is the one-time code their next
// enrollment asks for, sent to them in the message; "" sends none.
func (s *Server) notifyReset(ctx context.Context, u phonegate.User, project, by, recoveryCode string) {
	s.notify(ctx, phonegate.NoticeReset, u, phonegate.Notice{Link: s.publicURL("/login"), Project: project, By: by,
		RecoveryCode: recoveryCode}, "")
}

// notifyLevelChanged tells the owners and admins of p who accepted it
// that by changed its two-factor level from old to level.
func (s *Server) notifyLevelChanged(ctx context.Context, p phonegate.Project, by string, old, level phonegate.Level) {
	ms, err := s.db.Members(ctx, p.ID)
	if err != nil {
		s.log.Error().Err(err).Int64("project", p.ID).Msg("mail not queued: members")
		return
	}
	d := phonegate.Notice{Link: s.publicURL(settingsPath(p.ID)), Project: p.Name, By: by,
		OldLevel: old.Label(), NewLevel: level.Label()}
	for _, m := range ms {
		if canManage(m.Role) && !m.Pending && !m.Invited {
			s.notify(ctx, phonegate.NoticeLevelChanged, m.User, d, "")
		}
	}
}

// noMailInviteMsg answers an invitation of an email that has no account,
// or one that never chose its password, when this server cannot send
// mail: the link that sets the password goes only to its mailbox, or
// through the operator.
const noMailInviteMsg = "That email has no account ready to log in, and this server sends no email, so the link that " +
	"lets its owner choose a password cannot reach them from here. The server's operator can make the account (or a " +
	"new link for it) and hand over its link: phonegate user add --email ADDRESS --project PROJECT --invite."

// mailInvitation queues the invitation of u to p with role, from by, as
// res says it went. An account that got a link (a new one, or one that
// never chose its password, whose older link stops working) gets the
// one-time link of token, which proves the address and sets the password;
// an account with a password gets a note to accept the invitation on its
// home page. Either way the message goes only to the account's address.
func (s *Server) mailInvitation(ctx context.Context, u phonegate.User, p phonegate.Project, role, by, token string,
	res phonegate.InviteResult) error {
	d := phonegate.Notice{Project: p.Name, Role: role, By: by, Unclaimed: !res.NewAccount && u.PasswordHash == ""}
	kind := phonegate.NoticeInvite
	d.Link = s.publicURL("/")
	if res.Link {
		kind = phonegate.NoticeEmailProof
		d.Link = s.publicURL("/invite/" + token)
		d.Expires = s.now().Add(InviteLife)
	}
	return s.queueMail(ctx, kind, u.Email, d, "")
}
