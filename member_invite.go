package phonegate

import (
	"context"
	"errors"
	"slices"
	"time"
)

// InviteLife is how long an invite link works.
const InviteLife = 7 * 24 * time.Hour

// errInviteGone answers an invite link that does not work (any more).
var errInviteGone = &Error{Code: ENotFound, Message: "This invite link has expired or was already used. Ask a project owner for a new one."}

// Invite returns the live invite of the link's token; an *Error of code
// ENotFound, in words, when it expired or was used.
func (s *Service) Invite(ctx context.Context, token string) (Invite, error) {
	in, err := s.store.Invite(ctx, HashToken(token), s.now())
	if errors.Is(err, ErrNotFound) {
		return Invite{}, errInviteGone
	}
	return in, err
}

// AcceptInvite uses the invite link's token once, setting the account's
// password, and returns the account, ready to log in. A password that may
// not be chosen is refused with an *Error of code EInvalid, in words; a
// link that no longer works with one of code ENotFound.
func (s *Service) AcceptInvite(ctx context.Context, token, password string) (User, error) {
	in, err := s.Invite(ctx, token)
	if err != nil {
		return User{}, err
	}
	if msg := PasswordProblem(password, in.Email); msg != "" {
		return User{}, &Error{Code: EInvalid, Message: msg}
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	u, err := s.store.AcceptInvite(ctx, HashToken(token), hash, s.now())
	if errors.Is(err, ErrNotFound) {
		return User{}, errInviteGone
	}
	return u, err
}

// NoMailInviteMsg answers an invitation of an email that has no account,
// or one that never chose its password, when this server cannot send
// mail: the link that sets the password goes only to its mailbox, or
// through the operator.
const NoMailInviteMsg = "That email has no account ready to log in, and this server sends no email, so the link that " +
	"lets its owner choose a password cannot reach them from here. The server's operator can make the account (or a " +
	"new link for it) and hand over its link: phonegate user add --email ADDRESS --project PROJECT --invite."

// AddMember adds the account of email to the project of m, whose member
// inviter manages it, with role, and tells them by email: a new account,
// or one that never chose its password, gets a one-time link, valid
// InviteLife, that proves the address and sets its password (a fresh one
// replaces an older unused link); an account with a password gets an
// invitation to accept on its home page. The link goes only to that
// address, never back to the inviter, so that an inviter cannot set the
// password of an account that is not theirs. Invitations are capped per
// inviting account and per client address (addr, a bucket of the
// inviter's address): a refusal is the store's *LimitedError. Without mail
// an email that has no account ready cannot be invited (NoMailInviteMsg).
// Other refusals are an *Error in words.
func (s *Service) AddMember(ctx context.Context, m Membership, inviter User, email, role, addr string) (InviteResult, error) {
	if !ValidEmail(email) {
		return InviteResult{}, Errorf(EInvalid, "Enter a valid email address.")
	}
	if !slices.Contains(Grantable(m.Role), role) {
		return InviteResult{}, Errorf(EInvalid, "Choose a role you can give.")
	}
	if !s.CanMail() {
		// An account that never chose its password would get a fresh link
		// in place of its old one, and the fresh one could not reach it.
		if u, err := s.store.UserByEmail(ctx, email); errors.Is(err, ErrNotFound) || (err == nil && u.PasswordHash == "") {
			return InviteResult{}, Errorf(EUnavailable, "%s", NoMailInviteMsg)
		} else if err != nil {
			return InviteResult{}, err
		}
	}
	now := s.now()
	token := s.newToken()
	res, err := s.store.InviteMemberCapped(ctx, email, m.Project.ID, role, Inviter{UserID: inviter.ID, Addr: addr},
		HashToken(token), now.Add(InviteLife), now)
	if errors.Is(err, ErrConflict) {
		return InviteResult{}, &Error{Code: EConflict, Message: "That person is already a member of this project.", Cause: err}
	}
	if err != nil {
		return InviteResult{}, err
	}
	u := res.User
	s.log.Info().Int64("project", m.Project.ID).Int64("user", u.ID).Str("role", role).Bool("new_account", res.NewAccount).
		Bool("link", res.Link).Msg("member added")
	if err := s.mailInvitation(ctx, u, m.Project, role, inviter.Email, token, res); err != nil {
		return InviteResult{}, err
	}
	return res, nil
}

// mailInvitation queues the invitation of u to p with role, from by, as
// res says it went. An account that got a link (a new one, or one that
// never chose its password, whose older link stops working) gets the
// one-time link of token, which proves the address and sets the password;
// an account with a password gets a note to accept the invitation on its
// home page. Either way the message goes only to the account's address.
func (s *Service) mailInvitation(ctx context.Context, u User, p Project, role, by, token string, res InviteResult) error {
	if s.mailer == nil {
		return nil
	}
	n := Notice{To: u.Email, Project: p.Name, Role: role, By: by, Unclaimed: !res.NewAccount && u.PasswordHash == "",
		At: s.now()}
	n.Kind = NoticeInvite
	n.Link = s.publicURL("/")
	if res.Link {
		n.Kind = NoticeEmailProof
		n.Link = s.publicURL("/invite/" + token)
		n.Expires = s.now().Add(InviteLife)
	}
	return s.mailer.Notify(ctx, n)
}

// AcceptInvitation makes u's pending membership of project projectID
// count: from then on it opens the project, and the project's two-factor
// level applies to u. It returns the words that confirm it; ErrNotFound
// when u has no invitation to that project, which looks like no project.
func (s *Service) AcceptInvitation(ctx context.Context, u User, projectID int64) (string, error) {
	if err := s.store.AcceptMembership(ctx, projectID, u.ID, s.now()); err != nil {
		return "", err
	}
	s.log.Info().Int64("project", projectID).Int64("user", u.ID).Msg("invitation accepted")
	msg := "Invitation accepted."
	if m, err := s.store.Membership(ctx, projectID, u.ID); err == nil {
		msg = "Invitation accepted: you are a member of " + m.Project.Name + "."
	}
	return msg, nil
}

// DeclineInvitation deletes u's pending membership of project projectID
// and returns the words that confirm it.
func (s *Service) DeclineInvitation(ctx context.Context, u User, projectID int64) (string, error) {
	msg := "The invitation was declined."
	if inv, err := s.store.Invitations(ctx, u.ID); err == nil {
		for _, x := range inv {
			if x.Project.ID == projectID {
				msg = "The invitation to " + x.Project.Name + " was declined."
			}
		}
	}
	if err := s.store.DeclineMembership(ctx, projectID, u.ID, s.now()); err != nil {
		return "", err
	}
	s.log.Info().Int64("project", projectID).Int64("user", u.ID).Msg("invitation declined")
	return msg, nil
}
