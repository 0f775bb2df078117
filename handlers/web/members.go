package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

type memberRow struct {
	UserID  int64
	Email   string
	Role    string
	Pending bool // not accepted yet, or the invite link not used yet: nothing of the account is shown
	// PhoneVerified and LastCode are left empty for a pending member: a
	// project that added an account learns nothing of it before consent.
	PhoneVerified bool
	LastCode      string
	Self          bool
	Editable      bool     // the viewer may change this member
	Roles         []string // the roles the viewer may give this member
}

type membersPage struct {
	page
	Project    phonegate.Project
	Rows       []memberRow
	Elevated   bool
	Roles      []string // the roles the viewer may give a new member
	EmailValue string
	RoleValue  string
	NoMail     bool // no mail can be sent: a new account is made on the command line
	MaxInvites int  // invitations an account may send a day (store.MaxInvitesPerAccount)
}

func membersPath(id int64) string { return projectPath(id) + "/members" }

// projectManager returns the viewer's membership if they may manage members:
// 404 for a stranger, 403 for a developer.
func (s *Server) projectManager(r *http.Request) (phonegate.Membership, error) {
	m, err := s.membership(r)
	if err != nil {
		return m, err
	}
	if !phonegate.CanManage(m.Role) {
		return m, errNotManager
	}
	return m, nil
}

func (s *Server) membersData(r *http.Request, m phonegate.Membership) (*membersPage, error) {
	ms, err := s.svc.MemberList(r.Context(), m.Project)
	if err != nil {
		return nil, err
	}
	self := authFrom(r).user.ID
	p := &membersPage{
		page:     page{Title: "Members · " + m.Project.Name},
		Project:  m.Project,
		Elevated: s.elevated(r),
		Roles:    phonegate.Grantable(m.Role),
		NoMail:   !s.canMail(),
	}
	p.MaxInvites = phonegate.MaxInvitesPerAccount
	for _, x := range ms {
		row := memberRow{
			UserID: x.UserID, Email: x.Email, Role: x.Role, Pending: x.Pending,
			Self: x.UserID == self, Editable: phonegate.MayChange(m.Role, x.Role), Roles: phonegate.Grantable(m.Role),
		}
		if !row.Pending {
			row.PhoneVerified, row.LastCode = x.PhoneVerified, when(x.LastCode)
		}
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// The forms of the members page, by the name their errors show under:
// adding a member, and the forms of the table's rows (role, remove,
// reset). The authentication form is the settings page's
// (formAuthenticate).
const (
	formAddMember = "add"
	formMembers   = "members"
)

// members lists a project's members for its owners and admins.
func (s *Server) members(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	p, err := s.membersData(r, m)
	if err != nil {
		return err
	}
	typed := s.typed(r)
	p.EmailValue, p.RoleValue = typed.Get("email"), typed.Get("role")
	s.render(w, r, s.capStatus(w, r), "members", p)
	return nil
}

// membersError sends the user back to the members page with msg beside
// the form named form, which shows again the email and role typed.
func (s *Server) membersError(w http.ResponseWriter, r *http.Request, m phonegate.Membership, form, msg string) error {
	var typed url.Values
	if form == formAddMember {
		typed = url.Values{"email": {strings.TrimSpace(r.PostFormValue("email"))}, "role": {r.PostFormValue("role")}}
	}
	return s.formError(w, r, membersPath(m.Project.ID), form, msg, typed)
}

// addMember adds a member by email (the service's AddMember), which
// tells them by email. The inviter sees the same page, in the same words,
// whether the email had an account or not. A refusal by a cap answers
// 429 with Retry-After (capError).
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	role := r.PostFormValue("role")
	a := authFrom(r)
	_, err = s.svc.AddMember(r.Context(), m, a.user, email, role, httpx.AddrBucket(s.clientAddr(r)))
	if msg, retryAt, ok := s.createCapRefusal(err, a.user.ID); ok {
		s.log.Warn().Int64("project", m.Project.ID).Int64("user", a.user.ID).Msg("invitation refused by its cap")
		return s.capError(w, r, membersPath(m.Project.ID), formAddMember, msg,
			url.Values{"email": {email}, "role": {role}}, retryAt)
	}
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.membersError(w, r, m, formAddMember, msg)
	}
	if err != nil {
		return err
	}
	// The email as typed, not as stored: the stored spelling of an existing
	// account would tell that it exists.
	if err := s.keepReveal(r, phonegate.RevealInvite, email); err != nil {
		return err
	}
	http.Redirect(w, r, projectPath(m.Project.ID)+"/invited", http.StatusSeeOther)
	return nil
}

type invitedPage struct {
	page
	Project phonegate.Project
	Shown   bool   // the confirmation was shown already
	Email   string // the email that was invited
	Inviter string // who invited: the viewer, as the confirmation is shown once, to them
}

// invited confirms, once, that a member was invited by email.
func (s *Server) invited(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	email, ok, err := s.takeReveal(r, phonegate.RevealInvite)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "invited", &invitedPage{page: page{Title: "Member invited"},
		Project: m.Project, Shown: !ok, Email: email, Inviter: authFrom(r).user.Email})
	return nil
}

// memberTarget returns the viewer's membership, which must manage the
// project, and the member named by the form's "user" field, accepted or
// not, if the viewer may change them.
func (s *Server) memberTarget(r *http.Request) (phonegate.Membership, phonegate.Member, error) {
	return s.memberNamed(r, r.PostFormValue("user"))
}

// memberNamed is memberTarget for the member whose ID is user.
func (s *Server) memberNamed(r *http.Request, user string) (phonegate.Membership, phonegate.Member, error) {
	m, err := s.projectManager(r)
	if err != nil {
		return m, phonegate.Member{}, err
	}
	id, err := strconv.ParseInt(user, 10, 64)
	if err != nil {
		id = 0 // names nobody
	}
	t, err := s.svc.ManagedMember(r.Context(), m, id)
	return m, t, err
}

// memberTargetFail answers a row form of the members page whose member
// cannot be changed (one removed meanwhile, an owner for an admin) on the
// members page, beside its table. A viewer who may not manage the
// project gets memberTarget's error page.
func (s *Server) memberTargetFail(w http.ResponseWriter, r *http.Request, m phonegate.Membership, err error) error {
	var ue *phonegate.Error
	if m.Project.ID == 0 || !phonegate.CanManage(m.Role) || !errors.As(err, &ue) || ue == httpx.ErrNotFound {
		return err
	}
	return s.membersError(w, r, m, formMembers, ue.Message)
}

// changeRole gives a member another role.
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return s.memberTargetFail(w, r, m, err)
	}
	done, err := s.svc.ChangeRole(r.Context(), m, authFrom(r).user, t, r.PostFormValue("role"))
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.membersError(w, r, m, formMembers, msg)
	}
	if err != nil {
		return err
	}
	return s.done(w, r, membersPath(m.Project.ID), done)
}

// removeMember takes a member out of the project; for a member who has not
// accepted, it cancels the invitation.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return s.memberTargetFail(w, r, m, err)
	}
	a := authFrom(r)
	if r.PostFormValue("confirm") != "1" {
		return s.askFirst(w, r, m, confirmRemove, t)
	}
	err = s.svc.RemoveMember(r.Context(), m.Project, a.user, t)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.membersError(w, r, m, formMembers, msg)
	}
	if err != nil {
		return err
	}
	if t.User.ID == a.user.ID {
		// They left: the project is not theirs to see any more.
		return s.done(w, r, "/", "You left "+m.Project.Name+".")
	}
	if t.Pending || t.Invited {
		return s.done(w, r, membersPath(m.Project.ID), "Invitation cancelled: "+t.User.Email+".")
	}
	return s.done(w, r, membersPath(m.Project.ID), "Member removed: "+t.User.Email+".")
}

// resetMember resets a member's second factor (the service's ResetMember),
// for one who lost both the phone and the emergency code. It needs an
// elevated session, a member who accepted the project, and authority over
// every project the member accepted. The member then needs the one-time
// recovery code made here to verify a new phone; the next page shows it to
// the admin, once.
func (s *Server) resetMember(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return s.memberTargetFail(w, r, m, err)
	}
	a := authFrom(r)
	if msg := phonegate.ResetRefusal(a.user, s.elevated(r), t); msg != "" {
		return s.membersError(w, r, m, formMembers, msg)
	}
	if r.PostFormValue("confirm") != "1" {
		return s.askFirst(w, r, m, confirmReset, t)
	}
	code, err := s.svc.ResetMember(r.Context(), m.Project, a.user, t)
	if msg := phonegate.ErrorMessage(err); msg != "" {
		return s.membersError(w, r, m, formMembers, msg)
	}
	if err != nil {
		return err
	}
	if err := s.keepReveal(r, RevealRecovery, t.User.Email+"\n"+code); err != nil {
		return err
	}
	http.Redirect(w, r, projectPath(m.Project.ID)+"/recovery", http.StatusSeeOther)
	return nil
}
