package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/phonegate/phonegate"
)

// levelHints say what each level asks of members, under its label.
var levelHints = map[phonegate.Level]string{
	phonegate.LevelOff:         "Members log in with their password only.",
	phonegate.LevelPerComputer: "A code is asked the first time on each computer; that computer is then trusted for up to a year.",
	phonegate.Level30Days:      "A code is asked on each computer at least every 30 days.",
	phonegate.LevelEveryLogin:  "A code is asked at every login.",
}

type levelOption struct {
	Value   string
	Label   string
	Hint    string
	Checked bool
}

type settingsPage struct {
	page
	Project   phonegate.Project
	Role      string
	Level     phonegate.Level
	CanManage bool
	Elevated  bool   // "Authenticate to make changes" was done and still holds
	Until     string // when the elevation ends, for people
	Levels    []levelOption
	NameValue string // the name typed in the rename form
	Sites     []phonegate.Site
	HostValue string // the hostname typed in the form that adds a site

	AccountSID   string
	APIKeys      []phonegate.APIKey
	KeyNameValue string // the name typed in the form that creates an API key
}

// elevated reports whether the session re-entered the password less than
// phonegate.ElevationLife ago.
func (s *Server) elevated(r *http.Request) bool { return s.svc.Elevated(authFrom(r).sess) }

func (s *Server) settingsData(r *http.Request, m phonegate.Membership) *settingsPage {
	p := &settingsPage{
		page:      page{Title: "Settings · " + m.Project.Name},
		Project:   m.Project,
		Role:      m.Role,
		Level:     phonegate.Level(m.Project.MFALevel),
		CanManage: phonegate.CanManage(m.Role),
		Elevated:  s.elevated(r),
	}
	if p.Elevated {
		p.Until = when(authFrom(r).sess.ElevatedUntil)
	}
	p.NameValue = s.typed(r).Get("name")
	for _, l := range phonegate.Levels {
		p.Levels = append(p.Levels, levelOption{Value: string(l), Label: l.Label(), Hint: levelHints[l], Checked: l == p.Level})
	}
	return p
}

// The forms of the settings page (and of the members page, which asks
// for the same authentication), by the name their errors show under.
const (
	formAuthenticate = "authenticate"
	formLevel        = "level"
)

// settings shows a project's two-factor level: to owners and admins with
// the means to change it, to developers read-only.
func (s *Server) settings(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	p := s.settingsData(r, m)
	if p.Sites, err = s.svc.Sites(r.Context(), m.Project); err != nil {
		return err
	}
	p.HostValue = s.typed(r).Get("host")
	if err := s.apiKeysData(r, m, p); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "settings", p)
	return nil
}

// errNotManager answers a developer who sends a form only owners and
// admins may send.
var errNotManager = phonegate.ErrNotManager

// settingsAuthenticate is "Authenticate to make changes": the password
// again, which elevates the session for phonegate.ElevationLife.
func (s *Server) settingsAuthenticate(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	if !phonegate.CanManage(m.Role) {
		return errNotManager
	}
	// The members page asks for the same elevation (to reset a member's
	// second factor) and wants the user back there, error or not.
	dest := settingsPath(m.Project.ID)
	if r.PostFormValue("next") == membersPath(m.Project.ID) {
		dest = membersPath(m.Project.ID)
	}
	if ok, err := s.reauthenticate(w, r, m.Project.ID); err != nil {
		return err
	} else if !ok {
		return s.formError(w, r, dest, formAuthenticate, msgWrongPassword, nil)
	}
	return s.done(w, r, dest, phonegate.MsgElevated)
}

// reauthenticate checks the form's password against the logged-in user's
// and, when right, elevates the session, which the audit log of the
// project asking for it records. Wrong passwords count toward the login
// throttle like any other.
func (s *Server) reauthenticate(w http.ResponseWriter, r *http.Request, projectID int64) (bool, error) {
	a := authFrom(r)
	ok, err := s.recheckPassword(r, r.PostFormValue("password"))
	if err != nil || !ok {
		return false, err
	}
	until, err := s.svc.Elevate(r.Context(), a.sess, a.user, projectID)
	if err != nil {
		return false, err
	}
	a.sess.ElevatedUntil = until
	return true, nil
}

// saveSettings sets the project's level (the service's ChangeLevel).
// Without a live elevation nothing changes and the page asks for the
// password.
func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) error {
	m, err := s.membership(r)
	if err != nil {
		return err
	}
	level, err := s.svc.ChangeLevel(r.Context(), m, authFrom(r).user, authFrom(r).sess, r.PostFormValue("level"))
	switch {
	case errors.Is(err, phonegate.ErrNotElevated):
		return s.formError(w, r, settingsPath(m.Project.ID), formAuthenticate, phonegate.ErrorMessage(err), nil)
	case phonegate.ErrorCode(err) == phonegate.EInvalid:
		return s.formError(w, r, settingsPath(m.Project.ID), formLevel, phonegate.ErrorMessage(err), nil)
	case err != nil:
		return err
	}
	return s.done(w, r, s.afterLevelSaved(r, m.Project.ID), levelConfirmation(m.Project.Name, level))
}

func projectPath(id int64) string  { return "/projects/" + strconv.FormatInt(id, 10) }
func settingsPath(id int64) string { return projectPath(id) + "/settings" }
