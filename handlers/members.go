package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/phonegate/phonegate"
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

// grantable lists the roles a member with role may give: owners give any
// role, admins every role but owner.
func grantable(role string) []string {
	if role == phonegate.RoleOwner {
		return []string{phonegate.RoleDeveloper, phonegate.RoleAdmin, phonegate.RoleOwner}
	}
	return []string{phonegate.RoleDeveloper, phonegate.RoleAdmin}
}

// mayChange reports whether a member with role actor may change, remove or
// reset a member with role target: admins cannot touch owners.
func mayChange(actor, target string) bool {
	return actor == phonegate.RoleOwner || (actor == phonegate.RoleAdmin && target != phonegate.RoleOwner)
}

func membersPath(id int64) string { return projectPath(id) + "/members" }

// projectManager returns the viewer's membership if they may manage members:
// 404 for a stranger, 403 for a developer.
func (s *Server) projectManager(r *http.Request) (phonegate.Membership, error) {
	m, err := s.membership(r)
	if err != nil {
		return m, err
	}
	if !canManage(m.Role) {
		return m, errNotManager
	}
	return m, nil
}

func (s *Server) membersData(r *http.Request, m phonegate.Membership) (*membersPage, error) {
	ms, err := s.db.Members(r.Context(), m.Project.ID)
	if err != nil {
		return nil, err
	}
	last, err := s.db.LastMFA(r.Context(), m.Project.ID)
	if err != nil {
		return nil, err
	}
	self := authFrom(r).user.ID
	p := &membersPage{
		page:     page{Title: "Members · " + m.Project.Name},
		Project:  m.Project,
		Elevated: s.elevated(r),
		Roles:    grantable(m.Role),
		NoMail:   !s.canMail(),
	}
	p.MaxInvites = phonegate.MaxInvitesPerAccount
	for _, x := range ms {
		row := memberRow{
			UserID: x.User.ID, Email: x.User.Email, Role: x.Role, Pending: x.Pending || x.Invited,
			Self: x.User.ID == self, Editable: mayChange(m.Role, x.Role), Roles: grantable(m.Role),
		}
		if row.Pending {
			// A pending row must not tell whether the address had an
			// account: an existing one is stored in its owner's spelling,
			// a new one in the inviter's, so neither is shown.
			row.Email = strings.ToLower(row.Email)
		} else {
			row.PhoneVerified, row.LastCode = x.User.PhoneVerified, when(last[x.User.ID])
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

// addMember adds a member by email and tells them by email: a new account,
// or one that never chose its password, gets a one-time link, valid
// InviteLife, that proves the address and sets its password (a fresh one
// replaces an older unused link); an account with a password gets an
// invitation to accept on its home page. Invitations are capped per
// inviting account and per client address (store.InviteMemberCapped).
// The link goes only to that address, never to this page, so that an
// inviter cannot set the password of an account that is not theirs; and the inviter sees the same page, in the same words, whether
// the email had an account or not. Without mail (Twilio mode without
// SMTP) an email that has no account cannot be invited from here: the
// page says so and points to the command line.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	m, err := s.projectManager(r)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	role := r.PostFormValue("role")
	if !phonegate.ValidEmail(email) {
		return s.membersError(w, r, m, formAddMember, "Enter a valid email address.")
	}
	if !slices.Contains(grantable(m.Role), role) {
		return s.membersError(w, r, m, formAddMember, "Choose a role you can give.")
	}
	ctx := r.Context()
	if !s.canMail() {
		// An account that never chose its password would get a fresh link
		// in place of its old one, and the fresh one could not reach it.
		if u, err := s.db.UserByEmail(ctx, email); errors.Is(err, phonegate.ErrNotFound) || (err == nil && u.PasswordHash == "") {
			return s.membersError(w, r, m, formAddMember, noMailInviteMsg)
		} else if err != nil {
			return err
		}
	}
	a := authFrom(r)
	now := s.now()
	token := phonegate.NewToken()
	res, err := s.db.InviteMemberCapped(ctx, email, m.Project.ID, role,
		phonegate.Inviter{UserID: a.user.ID, Addr: addrBucket(s.clientAddr(r))},
		phonegate.HashToken(token), now.Add(InviteLife), now)
	if errors.Is(err, phonegate.ErrConflict) {
		return s.membersError(w, r, m, formAddMember, "That person is already a member of this project.")
	}
	if msg, retryAt, ok := s.createCapRefusal(err, a.user.ID); ok {
		s.log.Warn().Int64("project", m.Project.ID).Int64("user", a.user.ID).Msg("invitation refused by its cap")
		return s.capError(w, r, membersPath(m.Project.ID), formAddMember, msg,
			url.Values{"email": {email}, "role": {role}}, retryAt)
	}
	if err != nil {
		return err
	}
	u := res.User
	s.log.Info().Int64("project", m.Project.ID).Int64("user", u.ID).Str("role", role).Bool("new_account", res.NewAccount).
		Bool("link", res.Link).Msg("member added")
	if err := s.mailInvitation(ctx, u, m.Project, role, a.user.Email, token, res); err != nil {
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
	if err != nil || id <= 0 {
		return m, phonegate.Member{}, badRequest("That member is not known.")
	}
	t, err := s.db.Member(r.Context(), m.Project.ID, id)
	if errors.Is(err, phonegate.ErrNotFound) {
		return m, phonegate.Member{}, badRequest("That member is not known.")
	}
	if err != nil {
		return m, phonegate.Member{}, err
	}
	if !mayChange(m.Role, t.Role) {
		return m, phonegate.Member{}, &phonegate.Error{Code: phonegate.EForbidden, Message: "Only an owner can change an owner."}
	}
	return m, t, nil
}

// memberTargetFail answers a row form of the members page whose member
// cannot be changed (one removed meanwhile, an owner for an admin) on the
// members page, beside its table. A viewer who may not manage the
// project gets memberTarget's error page.
func (s *Server) memberTargetFail(w http.ResponseWriter, r *http.Request, m phonegate.Membership, err error) error {
	var ue *phonegate.Error
	if m.Project.ID == 0 || !canManage(m.Role) || !errors.As(err, &ue) || ue == errNotFound {
		return err
	}
	return s.membersError(w, r, m, formMembers, ue.Message)
}

const lastOwnerMsg = "A project must keep at least one owner: make someone else an owner first."

// changeRole gives a member another role.
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return s.memberTargetFail(w, r, m, err)
	}
	role := r.PostFormValue("role")
	if !slices.Contains(grantable(m.Role), role) {
		return s.membersError(w, r, m, formMembers, "Choose a role you can give.")
	}
	_, err = s.db.SetRoleBy(r.Context(), m.Project.ID, t.User.ID, authFrom(r).user.ID, role, s.now())
	if errors.Is(err, phonegate.ErrLastOwner) {
		return s.membersError(w, r, m, formMembers, lastOwnerMsg)
	}
	if errors.Is(err, phonegate.ErrNameTaken) {
		return s.membersError(w, r, m, formMembers, t.User.Email+" already owns another project named “"+
			m.Project.Name+"”, and two projects of one owner cannot share a name: rename one of them first.")
	}
	if err != nil {
		return err
	}
	return s.done(w, r, membersPath(m.Project.ID), "Role changed: "+t.User.Email+" is now "+strings.ToUpper(role[:1])+role[1:]+".")
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
	err = s.db.RemoveMemberBy(r.Context(), m.Project.ID, t.User.ID, a.user.ID, s.now())
	if errors.Is(err, phonegate.ErrLastOwner) {
		return s.membersError(w, r, m, formMembers, lastOwnerMsg)
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

// pendingResetMsg refuses a reset of a member who has not accepted: the
// reset reaches their whole account, which adding them did not make this
// project's to manage.
const pendingResetMsg = "That member has not accepted the invitation to this project yet, " +
	"so their two-factor authentication cannot be reset from here."

// resetMember resets a member's second factor, for one who lost both the
// phone and the emergency code. It needs an elevated session, a member who
// accepted the project, and authority over every project the member
// accepted. The member then needs the one-time recovery code made here to
// verify a new phone; the next page shows it to the admin, once.
func (s *Server) resetMember(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return s.memberTargetFail(w, r, m, err)
	}
	a := authFrom(r)
	if msg := s.resetRefusal(r, t); msg != "" {
		return s.membersError(w, r, m, formMembers, msg)
	}
	if r.PostFormValue("confirm") != "1" {
		return s.askFirst(w, r, m, confirmReset, t)
	}
	// The store checks consent again in the reset's own transaction: the
	// membership may have changed since it was read above.
	code, mac := s.newRecoveryCode(t.User.ID)
	err = s.db.ResetMemberSecondFactor(r.Context(), m.Project.ID, t.User.ID, a.user.ID, mac, s.now())
	if errors.Is(err, phonegate.ErrPending) {
		return s.membersError(w, r, m, formMembers, pendingResetMsg)
	}
	if errors.Is(err, phonegate.ErrOutsideAuthority) {
		return s.membersError(w, r, m, formMembers, outsideResetMsg)
	}
	if err != nil {
		return err
	}
	s.log.Info().Int64("project", m.Project.ID).Int64("user", t.User.ID).Int64("by", a.user.ID).Msg("second factor reset")
	s.notifyReset(r.Context(), t.User, m.Project.Name, a.user.Email, code)
	if err := s.keepReveal(r, RevealRecovery, t.User.Email+"\n"+code); err != nil {
		return err
	}
	http.Redirect(w, r, projectPath(m.Project.ID)+"/recovery", http.StatusSeeOther)
	return nil
}
