package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

type homePage struct {
	page
	Projects    []phonegate.Membership
	Invitations []phonegate.Invitation // projects that added the user and wait for an answer
	Name        string
}

// homeData is the home page of the logged-in user.
func (s *Server) homeData(r *http.Request) (*homePage, error) {
	ctx, userID := r.Context(), authFrom(r).user.ID
	ms, err := s.db.Memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	inv, err := s.db.Invitations(ctx, userID)
	if err != nil {
		return nil, err
	}
	return &homePage{page: page{Title: "Your projects"}, Projects: ms, Invitations: inv}, nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p, err := s.homeData(r)
	if err != nil {
		return err
	}
	p.Name = s.typed(r).Get("name")
	s.render(w, r, s.capStatus(w, r), "home", p)
	return nil
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	p, err := s.svc.CreateProject(r.Context(), a.user, name)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.formError(w, r, "/", formCreateProject, msg, url.Values{"name": {name}})
	}
	if msg, retryAt, ok := s.createCapRefusal(err, a.user.ID); ok {
		return s.capError(w, r, "/", formCreateProject, msg, url.Values{"name": {name}}, retryAt)
	}
	if err != nil {
		return err
	}
	return s.done(w, r, projectPath(p.ID), "Project created: "+p.Name+".")
}

// formCreateProject names the home page's create-project form, beside
// which its errors show.
const formCreateProject = "project"

// routeProjectID returns the project ID of the route's id, or httpx.ErrNotFound.
func routeProjectID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(httprouter.ParamsFromContext(r.Context()).ByName("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.ErrNotFound
	}
	return id, nil
}

// membership returns the logged-in user's accepted membership of the
// project named by the route's id, or httpx.ErrNotFound: another project's ID, a
// missing one, a malformed one and one the user has not accepted yet look
// the same.
func (s *Server) membership(r *http.Request) (phonegate.Membership, error) {
	id, err := routeProjectID(r)
	if err != nil {
		return phonegate.Membership{}, err
	}
	m, err := s.db.Membership(r.Context(), id, authFrom(r).user.ID)
	if err != nil {
		return phonegate.Membership{}, err
	}
	return m, nil
}

type projectPage struct {
	page
	Membership phonegate.Membership
	Level      phonegate.Level
	Members    []phonegate.Member
	CanManage  bool
	Services   []phonegate.VerifyService // the project's Verify API services
}

func (s *Server) project(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	members, err := s.db.Members(r.Context(), m.Project.ID)
	if err != nil {
		return err
	}
	services, err := s.svc.ProjectVerifyServices(r.Context(), m.Project)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "project", &projectPage{
		Services:   services,
		page:       page{Title: m.Project.Name},
		Membership: m,
		Level:      phonegate.Level(m.Project.MFALevel),
		Members:    members,
		CanManage:  phonegate.CanManage(m.Role),
	})
	return nil
}

// acceptInvitation makes the user's pending membership of the project
// count (the service's AcceptInvitation); the gate may then ask for a code
// on the way in.
func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := routeProjectID(r)
	if err != nil {
		return err
	}
	msg, err := s.svc.AcceptInvitation(r.Context(), authFrom(r).user, id)
	if err != nil {
		return err // ErrNotFound: no invitation to this project, which looks like no project
	}
	return s.done(w, r, projectPath(id), msg)
}

// declineInvitation deletes the user's pending membership of the project.
func (s *Server) declineInvitation(w http.ResponseWriter, r *http.Request) error {
	id, err := routeProjectID(r)
	if err != nil {
		return err
	}
	msg, err := s.svc.DeclineInvitation(r.Context(), authFrom(r).user, id)
	if err != nil {
		return err
	}
	return s.done(w, r, "/", msg)
}

// formRename is the settings page's rename form, by the name its errors
// show under.
const formRename = "rename"

// renameProject gives a project a new name (the service's
// RenameProject), for its owners and admins.
func (s *Server) renameProject(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	back := settingsPath(m.Project.ID)
	done, err := s.svc.RenameProject(r.Context(), m, authFrom(r).user, name)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.formError(w, r, back, formRename, msg, url.Values{"name": {name}})
	}
	if err != nil {
		return err
	}
	return s.done(w, r, back, done)
}
