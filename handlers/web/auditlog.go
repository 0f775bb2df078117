package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// auditPageSize is how many events one page of the audit log shows.
const auditPageSize = 50

// auditKinds are the audit event kinds in words. A kind missing here is
// shown as it is stored.
var auditKinds = map[string]string{
	"project.created":       "Project created",
	"project.renamed":       "Project renamed",
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
	"factor.added":          "Second factor added",
	"factor.removed":        "Second factor removed",
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
	"code.daily_cap":        "Daily limit of codes reached",
	"login":                 "Logged in",
	"login.failed":          "Failed login",
	"session.elevated":      "Authenticated to make changes",
	"site.added":            "Protected site added",
	"site.removed":          "Protected site removed",

	// The Verify API's credentials and services.
	"apikey.created":         "API key created",
	"apikey.revoked":         "API key revoked",
	"verify.service.created": "Verify service created",
	"verify.service.updated": "Verify service changed",
	"verify.service.deleted": "Verify service deleted",

	// The Verify API's verifications: their number masked, never a code.
	"verification.created":  "Verification started",
	"verification.resent":   "Verification code sent again",
	"verification.checked":  "Verification code checked",
	"verification.canceled": "Verification canceled",
	"verification.approved": "Verification approved by the app",
}

type auditRow struct {
	At     time.Time
	What   string
	Detail string
	User   string
	Actor  string
}

// ISO is the event's time for machines (the <time> element and its
// title); When is the same in words, in UTC, until the page's script
// shows it in the browser's own time zone.
func (r auditRow) ISO() string  { return r.At.UTC().Format(time.RFC3339) }
func (r auditRow) When() string { return when(r.At) }

type auditPage struct {
	page
	ProjectID   int64
	ProjectName string
	Rows        []auditRow
	Newer       string // link to the page of newer events, empty on the newest
	Older       string // link to the page of older events, empty on the oldest
}

// auditLog shows a project's audit log to its owners and admins, newest
// first, auditPageSize events a page: ?before=ID pages back to older
// events, ?after=ID forward to newer ones. The details were written in
// words when the events were recorded and hold no secret; levels are said
// as the settings page says them.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	before, err := auditCursor(q.Get("before"))
	if err != nil {
		return err
	}
	after, err := auditCursor(q.Get("after"))
	if err != nil {
		return err
	}
	if before > 0 && after > 0 {
		return httpx.BadRequest("That page of the audit log does not exist.")
	}
	// One more than a page tells whether a page lies beyond it.
	var es []phonegate.AuditEvent
	if after > 0 {
		es, err = s.db.AuditEventsAfter(r.Context(), m.Project.ID, after, auditPageSize+1)
	} else {
		es, err = s.db.AuditEvents(r.Context(), m.Project.ID, before, auditPageSize+1)
	}
	if err != nil {
		return err
	}
	p := &auditPage{page: page{Title: "Audit log · " + m.Project.Name}, ProjectID: m.Project.ID, ProjectName: m.Project.Name}
	base := projectPath(m.Project.ID) + "/audit"
	more := len(es) > auditPageSize
	if more && after > 0 {
		es = es[1:] // newest first: the extra one is the newest
	} else if more {
		es = es[:auditPageSize]
	}
	switch {
	case len(es) == 0 && after > 0:
		p.Older = base + "?before=" + strconv.FormatInt(after+1, 10)
	case len(es) == 0 && before > 0:
		p.Newer = base + "?after=" + strconv.FormatInt(before-1, 10)
	case len(es) > 0:
		newest, oldest := es[0].ID, es[len(es)-1].ID
		if after > 0 || before > 0 {
			// A page that was reached by paging has the other side too,
			// unless paging forward reached the newest.
			if before > 0 || more {
				p.Newer = base + "?after=" + strconv.FormatInt(newest, 10)
			}
			if after > 0 || more {
				p.Older = base + "?before=" + strconv.FormatInt(oldest, 10)
			}
		} else if more {
			p.Older = base + "?before=" + strconv.FormatInt(oldest, 10)
		}
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
		p.Rows = append(p.Rows, auditRow{At: e.At, What: what, Detail: auditDetail(e.Kind, e.Detail), User: e.UserEmail, Actor: actor})
	}
	s.render(w, r, http.StatusOK, "audit", p)
	return nil
}

// auditCursor reads a ?before= or ?after= event ID; 0 when absent.
func auditCursor(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.BadRequest("That page of the audit log does not exist.")
	}
	return id, nil
}

// auditDetail says an event's detail for people. A level change is stored
// as "off → every_login", the levels' names in the database, and shown as
// "Off → Every time you log in".
func auditDetail(kind, detail string) string {
	if kind != "2fa.level" {
		return detail
	}
	parts := strings.Split(detail, " → ")
	for i, part := range parts {
		if l, err := phonegate.ParseLevel(part); err == nil {
			parts[i] = l.Label()
		}
	}
	return strings.Join(parts, " → ")
}

// auditLogin writes a login (the right password) into the audit log of
// each project the user accepted, with the browser in words and the client
// address: the owners of a project see who came in, from what and where.
// A failed login is audited where it is counted ("login.failed").
func (s *Server) auditLogin(r *http.Request, u phonegate.User) error {
	return s.svc.AuditLogin(r.Context(), u, agentWords(r.UserAgent()), s.clientAddr(r))
}
