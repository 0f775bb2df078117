package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

// The forms of the settings page's "API keys" section, by the name their
// errors show under.
const (
	formKeyAdd = "apikey-add"
	formKeys   = "apikeys"
)

// revealAPIKey is the kind of reveal that shows a new API key's secret,
// once, to the session that made it.
const revealAPIKey = "apikey"

// apiKeysPath is where the settings page's "API keys" section is.
func apiKeysPath(id int64) string { return settingsPath(id) + "#apikeys" }

// createAPIKey makes an API key of the project with the typed name (the
// service's CreateAPIKey), for owners and admins with an elevated
// session, and shows its secret once, on the next page.
func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	a := authFrom(r)
	name := strings.TrimSpace(r.PostFormValue("name"))
	k, err := s.svc.CreateAPIKey(r.Context(), m, a.user, a.sess, name)
	if err != nil {
		return s.settingsRefused(w, r, m, apiKeysPath(m.Project.ID), formKeyAdd, err, url.Values{"key_name": {name}})
	}
	if err := s.keepReveal(r, revealAPIKey, k.SID+"\n"+k.Secret); err != nil {
		return err
	}
	http.Redirect(w, r, projectPath(m.Project.ID)+"/apikeys/created", http.StatusSeeOther)
	return nil
}

type apiKeyCreatedPage struct {
	page
	Project    phonegate.Project
	Shown      bool // the secret was shown already
	SID        string
	Secret     string
	AccountSID string
	APIURL     string // where apps reach the Verify API
}

// apiKeyCreated shows a new key's SID and secret, once.
func (s *Server) apiKeyCreated(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	kept, ok, err := s.takeReveal(r, revealAPIKey)
	if err != nil {
		return err
	}
	account, err := s.svc.AccountSID(r.Context(), m.Project)
	if err != nil {
		return err
	}
	sid, secret, _ := strings.Cut(kept, "\n")
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "apikey_created", &apiKeyCreatedPage{page: page{Title: "API key created"},
		Project: m.Project, Shown: !ok, SID: sid, Secret: secret, AccountSID: account, APIURL: s.cfg.PublicURL})
	return nil
}

// revokeAPIKey revokes a key of the project (the service's RevokeAPIKey),
// under the rules of createAPIKey. A key already gone (revoked from
// another tab) is said beside the list.
func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	a := authFrom(r)
	sid := strings.TrimSpace(r.PostFormValue("sid"))
	err = s.svc.RevokeAPIKey(r.Context(), m, a.user, a.sess, sid)
	if errors.Is(err, phonegate.ErrNotFound) {
		return s.formError(w, r, apiKeysPath(m.Project.ID), formKeys, msgNoSuchKey, nil)
	}
	if err != nil {
		return s.settingsRefused(w, r, m, apiKeysPath(m.Project.ID), formKeys, err, nil)
	}
	return s.done(w, r, apiKeysPath(m.Project.ID), "The API key "+sid+" was revoked: apps using it are refused from now on.")
}

// msgNoSuchKey answers the revocation of a key that is not one of the
// project's live keys.
const msgNoSuchKey = "That key is not one of this project's API keys, or it was revoked already."

// apiKeysData fills the settings page's "API keys" section.
func (s *Server) apiKeysData(r *http.Request, m phonegate.Membership, p *settingsPage) error {
	var err error
	if p.AccountSID, err = s.svc.AccountSID(r.Context(), m.Project); err != nil {
		return err
	}
	if p.APIKeys, err = s.svc.APIKeys(r.Context(), m.Project); err != nil {
		return err
	}
	p.KeyNameValue = s.typed(r).Get("key_name")
	return nil
}
