package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// What the confirmation page asks about.
const (
	confirmRemove = "remove"
	confirmReset  = "reset"
)

// confirmPage asks, before a change that cannot be taken back, whether the
// member it names is the right one. The members page's buttons post
// without confirm=1; the handler answers with a redirect to this page (a
// GET, so that a reload sends nothing), whose form sends the same POST
// with confirm=1. It works without JavaScript.
type confirmPage struct {
	page
	Project     phonegate.Project
	Action      string // where the confirmed form goes
	UserID      int64
	Member      string // the member's email
	Question    string
	Consequence string
	Button      string
}

// askFirst sends the browser to the confirmation of what, for member t.
func (s *Server) askFirst(w http.ResponseWriter, r *http.Request, m phonegate.Membership, what string, t phonegate.Member) error {
	q := url.Values{"do": {what}, "user": {strconv.FormatInt(t.User.ID, 10)}}
	http.Redirect(w, r, membersPath(m.Project.ID)+"/confirm?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// confirmMember shows the confirmation asked for by ?do=remove or
// ?do=reset and ?user=ID. A member who cannot be changed, or a reset that
// would be refused, goes back to the members page with the reason.
func (s *Server) confirmMember(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	m, t, err := s.memberNamed(r, q.Get("user"))
	if err != nil {
		return s.memberTargetFail(w, r, m, err)
	}
	var p *confirmPage
	switch q.Get("do") {
	case confirmRemove:
		p = removeQuestion(m, t, t.User.ID == authFrom(r).user.ID)
	case confirmReset:
		if msg := phonegate.ResetRefusal(authFrom(r).user, s.elevated(r), t); msg != "" {
			return s.membersError(w, r, m, formMembers, msg)
		}
		p = resetQuestion(m, t)
	default:
		return httpx.ErrNotFound
	}
	s.render(w, r, http.StatusOK, "confirm", p)
	return nil
}

// removeQuestion asks before a member is removed, an invitation
// cancelled, or the viewer leaves the project.
func removeQuestion(m phonegate.Membership, t phonegate.Member, self bool) *confirmPage {
	p := &confirmPage{page: page{Title: "Remove a member · " + m.Project.Name}, Project: m.Project,
		Action: membersPath(m.Project.ID) + "/remove", UserID: t.User.ID, Member: t.User.Email}
	switch {
	case self:
		p.Question = "Leave " + m.Project.Name + "?"
		p.Consequence = "You lose access to the project at once; an owner or admin can invite you again."
		p.Button = "Leave " + m.Project.Name
	case t.Pending || t.Invited:
		p.Question = "Cancel the invitation of " + t.User.Email + " to " + m.Project.Name + "?"
		p.Consequence = "The invitation stops working. You can invite them again later."
		p.Button = "Cancel the invitation of " + t.User.Email
	default:
		p.Question = "Remove " + t.User.Email + " from " + m.Project.Name + "?"
		p.Consequence = "They lose access to the project at once. Their account, phone and other projects stay as they are."
		p.Button = "Remove " + t.User.Email
	}
	return p
}

// resetQuestion asks before a member's two-factor authentication is reset.
func resetQuestion(m phonegate.Membership, t phonegate.Member) *confirmPage {
	return &confirmPage{
		page:    page{Title: "Reset two-factor authentication · " + m.Project.Name},
		Project: m.Project, Action: membersPath(m.Project.ID) + "/reset", UserID: t.User.ID, Member: t.User.Email,
		Question: "Reset the two-factor authentication of " + t.User.Email + "?",
		Consequence: "Their phone, emergency code and trusted computers are forgotten and their sessions end, " +
			"in every project. You will be shown a one-time recovery code for them, once; they need it to verify a new phone.",
		Button: "Reset two-factor authentication of " + t.User.Email,
	}
}
