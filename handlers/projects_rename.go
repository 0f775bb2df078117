package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

// formRename is the settings page's rename form, by the name its errors
// show under.
const formRename = "rename"

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

// renameProject gives a project a new name, for its owners and admins. The
// name follows the rule of every project name (it is said in texts and
// calls), and no owner of the project may own another project of that
// name.
func (s *Server) renameProject(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	back := settingsPath(m.Project.ID)
	typed := url.Values{"name": {name}}
	if msg := checkProjectName(name); msg != "" {
		return s.formError(w, r, back, formRename, msg, typed)
	}
	a := authFrom(r)
	old, err := s.db.RenameProject(r.Context(), m.Project.ID, a.user.ID, name, s.now())
	if errors.Is(err, phonegate.ErrNameTaken) {
		return s.formError(w, r, back, formRename, nameTakenMsg(name, m.Role == phonegate.RoleOwner && s.ownsNamed(r, name)), typed)
	}
	if err != nil {
		return err
	}
	if old == name {
		return s.done(w, r, back, "The project is already named "+name+".")
	}
	s.log.Info().Int64("project", m.Project.ID).Int64("user", a.user.ID).Msg("project renamed")
	return s.done(w, r, back, "Project renamed: "+old+" is now "+name+".")
}

// ownsNamed reports whether the viewer owns a project named name, but for
// the one of the request, ignoring case: which of two messages to show.
func (s *Server) ownsNamed(r *http.Request, name string) bool {
	ms, err := s.db.Memberships(r.Context(), authFrom(r).user.ID)
	if err != nil {
		return false
	}
	id, _ := routeProjectID(r)
	for _, m := range ms {
		if m.Project.ID != id && m.Role == phonegate.RoleOwner && strings.EqualFold(m.Project.Name, name) {
			return true
		}
	}
	return false
}
