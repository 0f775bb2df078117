package web

import (
	"net/http"
	"strconv"

	"github.com/phonegate/phonegate"
)

// levelPhrases say how often a level asks for the code, to end a sentence
// such as "Two-factor authentication is on for Engine, at every login".
var levelPhrases = map[phonegate.Level]string{
	phonegate.LevelPerComputer: "once per computer",
	phonegate.Level30Days:      "every 30 days on each computer",
	phonegate.LevelEveryLogin:  "at every login",
}

// levelConfirmation is the confirmation shown once a level is saved.
func levelConfirmation(project string, l phonegate.Level) string {
	if l == phonegate.LevelOff {
		return "Two-factor authentication is off for " + project + "."
	}
	return "Two-factor authentication is on for " + project + ", " + levelPhrases[l] + "."
}

// afterLevelSaved is where saving a level leads: back to the settings,
// which show the confirmation (levelConfirmation, a flash), unless the
// level now asks the one who saved it to verify a phone first. Then the
// phone page says so, naming the project and the level, and leads back to
// the settings once the phone is verified.
func (s *Server) afterLevelSaved(r *http.Request, projectID int64) string {
	back := settingsPath(projectID)
	// The level was read by the gate of this request before it changed: the
	// user's flag is all that tells whether a phone is needed now.
	if authFrom(r).user.PhoneVerified {
		return back
	}
	ms, err := s.db.Memberships(r.Context(), authFrom(r).user.ID)
	if err != nil {
		return back // the settings page's own gate finds the way
	}
	for _, m := range ms {
		if m.Project.ID == projectID && phonegate.Level(m.Project.MFALevel) != phonegate.LevelOff {
			return stepPhone + "?on=" + strconv.FormatInt(projectID, 10) + "&next=" + urlQueryEscape(back)
		}
	}
	return back
}

// justTurnedOn returns the sentence the phone page opens with when the
// user has just turned two-factor on for a project of theirs (?on=ID) and
// must now verify a phone: it names the project. Only a project of the
// user whose level is on is named, whatever the URL says.
func (s *Server) justTurnedOn(r *http.Request) (string, error) {
	id, err := strconv.ParseInt(r.URL.Query().Get("on"), 10, 64)
	if err != nil || id <= 0 {
		return "", nil
	}
	ms, err := s.db.Memberships(r.Context(), authFrom(r).user.ID)
	if err != nil {
		return "", err
	}
	for _, m := range ms {
		if m.Project.ID != id {
			continue
		}
		if phonegate.Level(m.Project.MFALevel) == phonegate.LevelOff {
			return "", nil
		}
		// The level in words is in the confirmation above (a flash).
		return "You just turned on two-factor authentication for " + m.Project.Name +
			": every member, you included, now needs a verified phone. Verify yours to continue.", nil
	}
	return "", nil
}

// fullSession reports whether the request's session may reach every page
// behind login, so that the header links only to pages that would open.
// A session between the password and the code, or one that must verify a
// phone or see a new emergency code first, gets only the way out.
func (s *Server) fullSession(r *http.Request, a *authCtx) bool {
	if a.full {
		return true
	}
	g, err := s.gate(r)
	return err == nil && g.step == ""
}
