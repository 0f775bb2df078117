package phonegate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The command line's protected sites: the operator of the server speaks
// for every project and acts with no user, so the audit log shows these
// changes as made by phonegate itself.

// OperatorProject returns the project that ref names on the command line:
// its exact name, or its ID ("12" or "#12"; a name made of digits is
// taken as the name, "#12" always as the ID). A name that several
// projects share is EInvalid, in words that list their IDs and owners for
// the operator to pick one; none is ENotFound in words.
func (s *Service) OperatorProject(ctx context.Context, ref string) (Project, error) {
	if id, ok := strings.CutPrefix(ref, "#"); ok {
		return s.operatorProjectByID(ctx, id)
	}
	ps, err := s.store.ProjectsNamed(ctx, ref)
	if err != nil {
		return Project{}, err
	}
	switch len(ps) {
	case 0:
		if _, err := strconv.ParseInt(ref, 10, 64); err == nil {
			return s.operatorProjectByID(ctx, ref)
		}
		return Project{}, &Error{Code: ENotFound, Message: "no project is named " + strconv.Quote(ref), Cause: ErrNotFound}
	case 1:
		return ps[0], nil
	}
	return Project{}, s.ambiguousProject(ctx, ref, ps)
}

// operatorProjectByID returns the project whose ID is id (digits).
func (s *Service) operatorProjectByID(ctx context.Context, id string) (Project, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return Project{}, &Error{Code: EInvalid, Message: "a project ID is a number such as 12 (or #12), got " + strconv.Quote(id)}
	}
	p, err := s.store.Project(ctx, n)
	if errors.Is(err, ErrNotFound) {
		return Project{}, &Error{Code: ENotFound, Message: "no project has the ID " + id, Cause: err}
	}
	return p, err
}

// ambiguousProject is the error for a name that the projects ps share:
// each one's ID and owners, and how to name one.
func (s *Service) ambiguousProject(ctx context.Context, name string, ps []Project) error {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		ms, err := s.store.Members(ctx, p.ID)
		if err != nil {
			return err
		}
		var owners []string
		for _, m := range ms {
			if m.Role == RoleOwner && !m.Pending {
				owners = append(owners, m.User.Email)
			}
		}
		part := "ID " + strconv.FormatInt(p.ID, 10)
		if len(owners) > 0 {
			part += ", owned by " + strings.Join(owners, " and ")
		}
		parts = append(parts, part)
	}
	return &Error{Code: EInvalid, Message: fmt.Sprintf("%d projects are named %q (%s): give the ID of one instead of the name, such as #%d",
		len(ps), name, strings.Join(parts, "; "), ps[0].ID)}
}

// AddSiteAsOperator makes host a protected site of p (OperatorProject),
// under the host checks of AddSite, audited with no actor, and returns
// the host as stored.
func (s *Service) AddSiteAsOperator(ctx context.Context, p Project, host string) (string, error) {
	return s.addSite(ctx, host, p.ID, 0)
}

// RemoveSiteAsOperator removes the protected site host of p
// (OperatorProject), audited with no actor; a host the project does not
// protect is ENotFound in words.
func (s *Service) RemoveSiteAsOperator(ctx context.Context, p Project, host string) error {
	err := s.removeSite(ctx, host, p.ID, 0)
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: ENotFound, Message: strconv.Quote(host) + " is not a protected site of " + strconv.Quote(p.Name), Cause: err}
	}
	return err
}
