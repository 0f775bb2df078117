package handlers

import (
	"context"

	"github.com/phonegate/phonegate/mail"
	"github.com/phonegate/phonegate/store"
)

// noMailInviteMsg answers an invitation of an email that has no account
// when this server cannot send mail: the link that sets a new account's
// password goes only to its mailbox, or through the operator.
const noMailInviteMsg = "That email has no account, and this server sends no email, so the link that lets its owner " +
	"choose a password cannot reach them from here. The server's operator can make the account and hand over " +
	"its link: phonegate user add --email ADDRESS --project PROJECT --invite."

// mailInvitation queues the invitation of u to p with role, from by. A new
// account (invited) gets the one-time link of token, which proves the
// address and sets the password; an existing account gets a note to accept
// the invitation on its home page. Either way the message goes only to the
// account's address.
func (s *Server) mailInvitation(ctx context.Context, u store.User, p store.Project, role, by, token string, invited bool) error {
	d := mail.Data{Project: p.Name, Role: role, By: by, Unclaimed: !invited && u.PasswordHash == ""}
	kind := mail.KindInvite
	d.Link = s.publicURL("/")
	if invited {
		kind = mail.KindEmailProof
		d.Link = s.publicURL("/invite/" + token)
		d.Expires = when(s.now().Add(InviteLife))
	}
	return s.queueMail(ctx, kind, u.Email, d, "")
}
