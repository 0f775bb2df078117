package handlers

import (
	"net/http"
	"strconv"
)

// auditPageSize is how many events one page of the audit log shows.
const auditPageSize = 50

// auditKinds are the audit event kinds in words. A kind missing here is
// shown as it is stored.
var auditKinds = map[string]string{
	"project.created":       "Project created",
	"member.added":          "Member added",
	"member.joined":         "Member joined",
	"member.role":           "Role changed",
	"member.removed":        "Member removed",
	"member.accepted":       "Invitation accepted",
	"member.declined":       "Invitation declined",
	"password.changed":      "Password changed",
	"2fa.level":             "Two-factor level changed",
	"2fa.reset":             "Two-factor authentication reset",
	"2fa.passed":            "Code accepted",
	"2fa.failed":            "Failed attempt",
	"2fa.locked":            "Two-factor verification locked",
	"2fa.emergency":         "Emergency code used",
	"recovery.issued":       "Recovery code issued",
	"recovery.used":         "Recovery code used",
	"phone.verified":        "Phone verified",
	"emergency.regenerated": "Emergency code replaced",
	"trust.revoked":         "Trusted computer forgotten",
	"sessions.revoked":      "Other sessions logged out",
	"code.sent":             "Code sent",
	"code.failed":           "Code not sent",
	"code.delivered":        "Code delivered",
	"code.undelivered":      "Code not delivered",
	"code.fallback":         "Automatic call",
	"code.denied":           "Code refused by the phone's holder",
	"code.reply":            "Code approved by SMS reply",
}

type auditRow struct {
	When   string
	What   string
	Detail string
	User   string
	Actor  string
}

type auditPage struct {
	page
	ProjectID   int64
	ProjectName string
	Rows        []auditRow
	Older       string // link to the next page, empty on the last
}

// auditLog shows a project's audit log to its owners and admins, newest
// first, auditPageSize events a page; ?before=ID pages back. The details
// were written in words when the events were recorded and hold no secret.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before <= 0 {
			return badRequest("That page of the audit log does not exist.")
		}
	}
	// One more than a page tells whether an older page exists.
	es, err := s.db.AuditEvents(r.Context(), m.Project.ID, before, auditPageSize+1)
	if err != nil {
		return err
	}
	p := &auditPage{page: page{Title: "Audit log · " + m.Project.Name}, ProjectID: m.Project.ID, ProjectName: m.Project.Name}
	if len(es) > auditPageSize {
		es = es[:auditPageSize]
		p.Older = projectPath(m.Project.ID) + "/audit?before=" + strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	for _, e := range es {
		what := auditKinds[e.Kind]
		if what == "" {
			what = e.Kind
		}
		actor := e.ActorEmail
		if e.ActorID == 0 {
			actor = "phonegate"
		}
		p.Rows = append(p.Rows, auditRow{When: when(e.At), What: what, Detail: e.Detail, User: e.UserEmail, Actor: actor})
	}
	s.render(w, r, http.StatusOK, "audit", p)
	return nil
}
