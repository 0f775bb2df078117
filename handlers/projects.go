package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
)

type homePage struct {
	page
	Projects []store.Membership
	Name     string
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.db.Memberships(r.Context(), authFrom(r).user.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "home", &homePage{page: page{Title: "Your projects"}, Projects: ms})
	return nil
}

func (s *Server) createProject(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	if msg := checkProjectName(name); msg != "" {
		ms, err := s.db.Memberships(r.Context(), a.user.ID)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusBadRequest, "home", &homePage{
			page: page{Title: "Your projects", Error: msg}, Projects: ms, Name: name})
		return nil
	}
	p, err := s.db.CreateProject(r.Context(), a.user.ID, name, s.now())
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/projects/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
	return nil
}

// membership returns the logged-in user's membership of the project named
// by the route's id, or errNotFound: another project's ID, a missing one
// and a malformed one look the same.
func (s *Server) membership(r *http.Request) (store.Membership, error) {
	id, err := strconv.ParseInt(httprouter.ParamsFromContext(r.Context()).ByName("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.Membership{}, errNotFound
	}
	m, err := s.db.Membership(r.Context(), id, authFrom(r).user.ID)
	if err != nil {
		return store.Membership{}, err
	}
	return m, nil
}

// canManage reports whether a role may change a project's settings and members.
func canManage(role string) bool { return role == store.RoleOwner || role == store.RoleAdmin }

type projectPage struct {
	page
	Membership store.Membership
	Level      phonegate.Level
	Members    []store.Member
	CanManage  bool
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
	s.render(w, r, http.StatusOK, "project", &projectPage{
		page:       page{Title: m.Project.Name},
		Membership: m,
		Level:      phonegate.Level(m.Project.MFALevel),
		Members:    members,
		CanManage:  canManage(m.Role),
	})
	return nil
}
