package phonegate

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ProjectNameProblem returns, in words, what is wrong with a project name,
// or "". The name goes into the SMS and the call that carry codes, so it
// must fit ProjectNameFits.
func ProjectNameProblem(name string) string {
	if n := len([]rune(name)); n < 1 || n > MaxProjectName {
		return fmt.Sprintf("Give the project a name of 1 to %d characters.", MaxProjectName)
	}
	if !CleanText(name) {
		return "The project name may not hold control characters or text-direction overrides."
	}
	if !ProjectNameFits(name) {
		return "A project name may hold only letters, digits, spaces and the signs - . _ (it is said in the text messages and calls that carry codes)."
	}
	return ""
}

// nameTakenMsg refuses a project name that one of the project's owners
// already gives another project of theirs: mine says whether the one who
// typed it is that owner (a new project is always theirs).
func nameTakenMsg(name string, mine bool) string {
	if mine {
		return "You already have a project named “" + name + "” (names are told apart without regard to capitals): choose another name."
	}
	return "An owner of this project already has another project named “" + name +
		"” (names are told apart without regard to capitals): choose another name."
}

// CreateProject creates a project named name, owned by u. It counts toward
// the cap of new projects per account: a refusal is the store's
// *LimitedError. A name that may not be used is refused with an *Error in
// words.
func (s *Service) CreateProject(ctx context.Context, u User, name string) (Project, error) {
	if msg := ProjectNameProblem(name); msg != "" {
		return Project{}, Errorf(EInvalid, "%s", msg)
	}
	p, err := s.store.CreateProjectCapped(ctx, u.ID, name, s.now())
	if errors.Is(err, ErrNameTaken) {
		return Project{}, &Error{Code: EConflict, Message: nameTakenMsg(name, true), Cause: err}
	}
	return p, err
}

// RenameProject gives the project of m, whose member u manages it, a new
// name, and returns the words that confirm it. The name follows the rule
// of every project name (it is said in texts and calls), and no owner of
// the project may own another project of that name: a refusal is an
// *Error in words.
func (s *Service) RenameProject(ctx context.Context, m Membership, u User, name string) (string, error) {
	if msg := ProjectNameProblem(name); msg != "" {
		return "", Errorf(EInvalid, "%s", msg)
	}
	old, err := s.store.RenameProject(ctx, m.Project.ID, u.ID, name, s.now())
	if errors.Is(err, ErrNameTaken) {
		mine := m.Role == RoleOwner && s.ownsNamed(ctx, u.ID, m.Project.ID, name)
		return "", &Error{Code: EConflict, Message: nameTakenMsg(name, mine), Cause: err}
	}
	if err != nil {
		return "", err
	}
	if old == name {
		return "The project is already named " + name + ".", nil
	}
	s.log.Info().Int64("project", m.Project.ID).Int64("user", u.ID).Msg("project renamed")
	return "Project renamed: " + old + " is now " + name + ".", nil
}

// ownsNamed reports whether userID owns a project named name, but for
// project except, ignoring case: which of two messages to show.
func (s *Service) ownsNamed(ctx context.Context, userID, except int64, name string) bool {
	ms, err := s.store.Memberships(ctx, userID)
	if err != nil {
		return false
	}
	for _, m := range ms {
		if m.Project.ID != except && m.Role == RoleOwner && strings.EqualFold(m.Project.Name, name) {
			return true
		}
	}
	return false
}
