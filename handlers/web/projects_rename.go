package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

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
