package phonegate

import (
	"context"
	"errors"
	"fmt"
)

// AddUserResult says what AddUser did.
type AddUserResult struct {
	Project string
	Role    string
	// InviteURL is the one-time invite link when no password was given: of
	// a new account, or a fresh one of an account that never chose its
	// password (its older link stops working).
	InviteURL string
	// PasswordIgnored reports that a password was given for an account
	// that already existed, which was left as it was.
	PasswordIgnored bool
}

// AddUser adds the user with email to the project named projectName with
// role, for the command line, whose operator speaks for the account: the
// membership counts at once, without the user's consent. A new account is
// ready with a password; with none the result carries a one-time invite
// link, as does an existing account that never chose its password, whose
// older link then stops working (the operator hands the new one over). An
// account with a password keeps it and gets no link, and a password given
// for an existing account is ignored: adding never takes an account over.
// Nothing here is capped: the operator speaks for the server. A project
// that does not exist is created, owned by the user.
func (s *Service) AddUser(ctx context.Context, email, projectName, role, password string) (AddUserResult, error) {
	if !ValidEmail(email) {
		return AddUserResult{}, fmt.Errorf("%q is not a valid email address", email)
	}
	now := s.now()
	p, err := s.store.ProjectByName(ctx, projectName)
	create := errors.Is(err, ErrNotFound)
	if err != nil && !create {
		return AddUserResult{}, err
	}
	if create {
		if err := CheckProjectName(projectName); err != nil {
			return AddUserResult{}, fmt.Errorf("project %q: %w", projectName, err)
		}
	}
	if msg := PasswordProblem(password, email); password != "" && msg != "" {
		return AddUserResult{}, errors.New(msg)
	}
	res := AddUserResult{Project: projectName, Role: role}
	token := s.newToken()
	inv, err := s.store.ProvisionMember(ctx, email, p.ID, role, HashToken(token), password == "",
		now.Add(InviteLife), now)
	if err != nil {
		return AddUserResult{}, err
	}
	u := inv.User
	if create {
		if _, err := s.store.CreateProject(ctx, u.ID, projectName, now); err != nil {
			return AddUserResult{}, err
		}
		res.Role = RoleOwner
	}
	switch {
	case inv.NewAccount && password != "":
		hash, err := s.hashPassword(ctx, password)
		if err != nil {
			return AddUserResult{}, err
		}
		if _, err := s.store.AcceptInvite(ctx, HashToken(token), hash, now); err != nil {
			return AddUserResult{}, err
		}
	case inv.Link:
		res.InviteURL = s.publicURL("/invite/" + token)
	case password != "":
		res.PasswordIgnored = true
	}
	return res, nil
}

// hashPassword hashes a new password in its normalized form.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	return s.hasher.Hash(ctx, NormalizePassword(password))
}
