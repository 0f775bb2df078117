package phonegate

import (
	"context"
	"errors"
	"strconv"
)

// The command line's protected sites: the operator of the server speaks
// for every project and acts with no user, so the audit log shows these
// changes as made by phonegate itself.

// OperatorProject returns the project named name, for the command line
// (the oldest of that name, as AddUser takes it); ENotFound in words when
// there is none.
func (s *Service) OperatorProject(ctx context.Context, name string) (Project, error) {
	p, err := s.store.ProjectByName(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return Project{}, &Error{Code: ENotFound, Message: "no project is named " + strconv.Quote(name), Cause: err}
	}
	return p, err
}

// AddSiteAsOperator makes host a protected site of the project named
// projectName, under the host checks of AddSite, audited with no actor,
// and returns the host as stored.
func (s *Service) AddSiteAsOperator(ctx context.Context, projectName, host string) (string, error) {
	p, err := s.OperatorProject(ctx, projectName)
	if err != nil {
		return "", err
	}
	return s.addSite(ctx, host, p.ID, 0)
}

// RemoveSiteAsOperator removes the protected site host of the project
// named projectName, audited with no actor; a host the project does not
// protect is ENotFound in words.
func (s *Service) RemoveSiteAsOperator(ctx context.Context, projectName, host string) error {
	p, err := s.OperatorProject(ctx, projectName)
	if err != nil {
		return err
	}
	err = s.removeSite(ctx, host, p.ID, 0)
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: ENotFound, Message: strconv.Quote(host) + " is not a protected site of " + strconv.Quote(p.Name), Cause: err}
	}
	return err
}
