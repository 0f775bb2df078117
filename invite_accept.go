package phonegate

import (
	"context"
	"errors"
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
