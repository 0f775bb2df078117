package handlers

import (
	"net/http"

	"github.com/phonegate/phonegate/store"
)

// confirmPage asks, before a change that cannot be taken back, whether the
// member it names is the right one. It is a page of its own, answered to
// the first POST, so that it works without JavaScript: its form sends the
// same POST again with confirm=1.
type confirmPage struct {
	page
	Project     store.Project
	Action      string // where the confirmed form goes
	UserID      int64
	Member      string // the member's email
	Question    string
	Consequence string
	Button      string
}

// confirmRemove asks before a member is removed, an invitation cancelled,
// or the viewer leaves the project.
func (s *Server) confirmRemove(w http.ResponseWriter, r *http.Request, m store.Membership, t store.Member, self bool) error {
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
	s.render(w, r, http.StatusOK, "confirm", p)
	return nil
}

// confirmReset asks before a member's two-factor authentication is reset.
func (s *Server) confirmReset(w http.ResponseWriter, r *http.Request, m store.Membership, t store.Member) error {
	s.render(w, r, http.StatusOK, "confirm", &confirmPage{
		page:    page{Title: "Reset two-factor authentication · " + m.Project.Name},
		Project: m.Project, Action: membersPath(m.Project.ID) + "/reset", UserID: t.User.ID, Member: t.User.Email,
		Question: "Reset the two-factor authentication of " + t.User.Email + "?",
		Consequence: "Their phone, emergency code and trusted computers are forgotten and their sessions end, " +
			"in every project. You will be shown a one-time recovery code for them, once; they need it to verify a new phone.",
		Button: "Reset two-factor authentication of " + t.User.Email,
	})
	return nil
}
