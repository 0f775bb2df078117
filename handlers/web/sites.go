package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

// The forms of the settings page's "Protected sites" section, by the name
// their errors show under.
const (
	formSiteAdd = "site-add"
	formSites   = "sites"
)

// sitesPath is where the settings page's "Protected sites" section is.
func sitesPath(id int64) string { return settingsPath(id) + "#sites" }

// addSite makes the typed hostname a protected site of the project (the
// service's AddSite), for owners and admins with an elevated session.
// Refused, the settings page says why beside the form and keeps what was
// typed.
func (s *Server) addSite(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	a := authFrom(r)
	host := strings.TrimSpace(r.PostFormValue("host"))
	h, err := s.svc.AddSite(r.Context(), m, a.user, a.sess, host)
	if err != nil {
		return s.siteRefused(w, r, m, formSiteAdd, err, url.Values{"host": {host}})
	}
	return s.done(w, r, sitesPath(m.Project.ID), h+" is now protected by "+m.Project.Name+".")
}

// removeSite removes a protected site of the project (the service's
// RemoveSite), under the rules of addSite. A site already gone (removed
// from another tab) is said beside the list.
func (s *Server) removeSite(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	a := authFrom(r)
	host := strings.TrimSpace(r.PostFormValue("host"))
	err = s.svc.RemoveSite(r.Context(), m, a.user, a.sess, host)
	if errors.Is(err, phonegate.ErrNotFound) {
		return s.formError(w, r, sitesPath(m.Project.ID), formSites, msgNoSuchSite, nil)
	}
	if err != nil {
		return s.siteRefused(w, r, m, formSites, err, nil)
	}
	return s.done(w, r, sitesPath(m.Project.ID), phonegate.NormalizeSiteHost(host)+" is no longer protected by "+m.Project.Name+".")
}

// msgNoSuchSite answers the removal of a hostname the project does not
// protect.
const msgNoSuchSite = "That hostname is not one of this project's protected sites."

// siteRefused answers a site form the service refused with err
// (settingsRefused, in the "Protected sites" section).
func (s *Server) siteRefused(w http.ResponseWriter, r *http.Request, m phonegate.Membership, form string, err error, typed url.Values) error {
	return s.settingsRefused(w, r, m, sitesPath(m.Project.ID), form, err, typed)
}

// settingsRefused answers a form of a settings section at path that the
// service refused with err: a session that must authenticate first is
// asked to beside the authenticate form, input refused in words is said
// beside form, with what was typed; a developer's form is refused as a
// page (403).
func (s *Server) settingsRefused(w http.ResponseWriter, r *http.Request, m phonegate.Membership, path, form string, err error, typed url.Values) error {
	switch {
	case errors.Is(err, phonegate.ErrNotElevated):
		return s.formError(w, r, settingsPath(m.Project.ID), formAuthenticate, phonegate.ErrorMessage(err), nil)
	case errors.Is(err, phonegate.ErrNotManager):
		return err
	}
	switch phonegate.ErrorCode(err) {
	case phonegate.EInvalid, phonegate.EConflict, phonegate.EUnprocessable:
		return s.formError(w, r, path, form, phonegate.ErrorMessage(err), typed)
	}
	return err
}
