package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"github.com/phonegate/phonegate"
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
func (s *Server) AddUser(ctx context.Context, email, projectName, role, password string) (AddUserResult, error) {
	if !phonegate.ValidEmail(email) {
		return AddUserResult{}, fmt.Errorf("%q is not a valid email address", email)
	}
	now := s.now()
	p, err := s.db.ProjectByName(ctx, projectName)
	create := errors.Is(err, phonegate.ErrNotFound)
	if err != nil && !create {
		return AddUserResult{}, err
	}
	if create {
		if err := phonegate.CheckProjectName(projectName); err != nil {
			return AddUserResult{}, fmt.Errorf("project %q: %w", projectName, err)
		}
	}
	if msg := phonegate.PasswordProblem(password, email); password != "" && msg != "" {
		return AddUserResult{}, errors.New(msg)
	}
	res := AddUserResult{Project: projectName, Role: role}
	token := phonegate.NewToken()
	inv, err := s.db.ProvisionMember(ctx, email, p.ID, role, phonegate.HashToken(token), password == "",
		now.Add(InviteLife), now)
	if err != nil {
		return AddUserResult{}, err
	}
	u := inv.User
	if create {
		if _, err := s.db.CreateProject(ctx, u.ID, projectName, now); err != nil {
			return AddUserResult{}, err
		}
		res.Role = phonegate.RoleOwner
	}
	switch {
	case inv.NewAccount && password != "":
		hash, err := s.hashPassword(ctx, password)
		if err != nil {
			return AddUserResult{}, err
		}
		if _, err := s.db.AcceptInvite(ctx, phonegate.HashToken(token), hash, now); err != nil {
			return AddUserResult{}, err
		}
	case inv.Link:
		res.InviteURL = s.publicURL("/invite/" + token)
	case password != "":
		res.PasswordIgnored = true
	}
	return res, nil
}

// ResetSecondFactor resets the second factor of the user with email, with
// no project's authority: for the command line (actorID 0). It returns the
// one-time recovery code the user needs to verify a new phone, valid
// store.RecoveryLife, for the operator to hand over; only its keyed hash
// is kept. A project's members page resets through the store's
// ResetMemberSecondFactor, which needs the member's consent and authority
// over their projects.
func (s *Server) ResetSecondFactor(ctx context.Context, email string, actorID int64) (recoveryCode string, err error) {
	u, err := s.db.UserByEmail(ctx, email)
	if err != nil {
		return "", err
	}
	code, mac := s.newRecoveryCode(u.ID)
	if err := s.db.ResetSecondFactor(ctx, u.ID, actorID, mac, s.now()); err != nil {
		return "", err
	}
	s.notifyReset(ctx, u, "", "The server's operator", code)
	return code, nil
}

type invitePage struct {
	page
	Token string
	Email string
}

func inviteToken(r *http.Request) string {
	return httprouter.ParamsFromContext(r.Context()).ByName("token")
}

func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request) error {
	token := inviteToken(r)
	in, err := s.db.Invite(r.Context(), phonegate.HashToken(token), s.now())
	if errors.Is(err, phonegate.ErrNotFound) {
		return &phonegate.Error{Code: phonegate.ENotFound, Message: "This invite link has expired or was already used. Ask a project owner for a new one."}
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "invite", &invitePage{page: page{Title: "Join phonegate"}, Token: token, Email: in.Email})
	return nil
}

func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) error {
	token := inviteToken(r)
	in, err := s.db.Invite(r.Context(), phonegate.HashToken(token), s.now())
	if errors.Is(err, phonegate.ErrNotFound) {
		return &phonegate.Error{Code: phonegate.ENotFound, Message: "This invite link has expired or was already used. Ask a project owner for a new one."}
	}
	if err != nil {
		return err
	}
	password := r.PostFormValue("password")
	if msg := phonegate.PasswordProblem(password, in.Email); msg != "" {
		return s.formError(w, r, "/invite/"+token, "", msg, nil)
	}
	hash, err := s.hashPassword(r.Context(), password)
	if err != nil {
		return err
	}
	u, err := s.db.AcceptInvite(r.Context(), phonegate.HashToken(token), hash, s.now())
	if errors.Is(err, phonegate.ErrNotFound) {
		return &phonegate.Error{Code: phonegate.ENotFound, Message: "This invite link has expired or was already used. Ask a project owner for a new one."}
	}
	if err != nil {
		return err
	}
	if _, err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.rememberDevice(w, r, u.ID)
	return s.done(w, r, "/", "Welcome: your account is ready.")
}
