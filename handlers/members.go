package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/store"
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
	Project    store.Project
	Rows       []memberRow
	Elevated   bool
	Roles      []string // the roles the viewer may give a new member
	EmailValue string
	RoleValue  string
	NoMail     bool // no mail can be sent: a new account is made on the command line
}

// grantable lists the roles a member with role may give: owners give any
// role, admins every role but owner.
func grantable(role string) []string {
	if role == store.RoleOwner {
		return []string{store.RoleDeveloper, store.RoleAdmin, store.RoleOwner}
	}
	return []string{store.RoleDeveloper, store.RoleAdmin}
}

// mayChange reports whether a member with role actor may change, remove or
// reset a member with role target: admins cannot touch owners.
func mayChange(actor, target string) bool {
	return actor == store.RoleOwner || (actor == store.RoleAdmin && target != store.RoleOwner)
}

func membersPath(id int64) string { return projectPath(id) + "/members" }

// projectManager returns the viewer's membership if they may manage members:
// 404 for a stranger, 403 for a developer.
func (s *Server) projectManager(r *http.Request) (store.Membership, error) {
	m, err := s.membership(r)
	if err != nil {
		return m, err
	}
	if !canManage(m.Role) {
		return m, errNotManager
	}
	return m, nil
}

func (s *Server) membersData(r *http.Request, m store.Membership) (*membersPage, error) {
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

var membersFlash = map[string]string{
	"role":    "The role was changed.",
	"removed": "The member was removed.",
	"auth":    "You can make changes for the next 10 minutes.",
}

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
	p.Flash = membersFlash[r.URL.Query().Get("done")]
	s.render(w, r, http.StatusOK, "members", p)
	return nil
}

// membersError shows the members page again with msg.
func (s *Server) membersError(w http.ResponseWriter, r *http.Request, m store.Membership, status int, msg string) error {
	p, err := s.membersData(r, m)
	if err != nil {
		return err
	}
	p.Error = msg
	p.EmailValue = strings.TrimSpace(r.PostFormValue("email"))
	p.RoleValue = r.PostFormValue("role")
	s.render(w, r, status, "members", p)
	return nil
}

// addMember adds a member by email and tells them by email: a new account
// gets a one-time link, valid InviteLife, that proves the address and sets
// its password; an existing account gets an invitation to accept on its
// home page. The link goes only to that address, never to this page, so
// that an inviter cannot set the password of an account that is not
// theirs; and the inviter sees the same page, in the same words, whether
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
	if !validEmail(email) {
		return s.membersError(w, r, m, http.StatusBadRequest, "Enter a valid email address.")
	}
	if !slices.Contains(grantable(m.Role), role) {
		return s.membersError(w, r, m, http.StatusBadRequest, "Choose a role you can give.")
	}
	ctx := r.Context()
	if !s.canMail() {
		if _, err := s.db.UserByEmail(ctx, email); errors.Is(err, store.ErrNotFound) {
			return s.membersError(w, r, m, http.StatusBadRequest, noMailInviteMsg)
		} else if err != nil {
			return err
		}
	}
	a := authFrom(r)
	now := s.now()
	token := phonegate.NewToken()
	u, invited, err := s.db.InviteMember(ctx, email, m.Project.ID, role, a.user.ID,
		phonegate.HashToken(token), now.Add(InviteLife), now)
	if errors.Is(err, store.ErrConflict) {
		return s.membersError(w, r, m, http.StatusConflict, "That person is already a member of this project.")
	}
	if err != nil {
		return err
	}
	s.log.Info().Int64("project", m.Project.ID).Int64("user", u.ID).Str("role", role).Bool("new_account", invited).
		Msg("member added")
	if err := s.mailInvitation(ctx, u, m.Project, role, a.user.Email, token, invited); err != nil {
		return err
	}
	// The email as typed, not as stored: the stored spelling of an existing
	// account would tell that it exists.
	if err := s.keepReveal(r, store.RevealInvite, email); err != nil {
		return err
	}
	http.Redirect(w, r, projectPath(m.Project.ID)+"/invited", http.StatusSeeOther)
	return nil
}

type invitedPage struct {
	page
	Project store.Project
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
	email, ok, err := s.takeReveal(r, store.RevealInvite)
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
func (s *Server) memberTarget(r *http.Request) (store.Membership, store.Member, error) {
	m, err := s.projectManager(r)
	if err != nil {
		return m, store.Member{}, err
	}
	id, err := strconv.ParseInt(r.PostFormValue("user"), 10, 64)
	if err != nil || id <= 0 {
		return m, store.Member{}, badRequest("That member is not known.")
	}
	t, err := s.db.Member(r.Context(), m.Project.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return m, store.Member{}, badRequest("That member is not known.")
	}
	if err != nil {
		return m, store.Member{}, err
	}
	if !mayChange(m.Role, t.Role) {
		return m, store.Member{}, &userError{status: http.StatusForbidden, msg: "Only an owner can change an owner."}
	}
	return m, t, nil
}

const lastOwnerMsg = "A project must keep at least one owner: make someone else an owner first."

// changeRole gives a member another role.
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return err
	}
	role := r.PostFormValue("role")
	if !slices.Contains(grantable(m.Role), role) {
		return s.membersError(w, r, m, http.StatusBadRequest, "Choose a role you can give.")
	}
	_, err = s.db.SetRoleBy(r.Context(), m.Project.ID, t.User.ID, authFrom(r).user.ID, role, s.now())
	if errors.Is(err, store.ErrLastOwner) {
		return s.membersError(w, r, m, http.StatusConflict, lastOwnerMsg)
	}
	if errors.Is(err, store.ErrNameTaken) {
		return s.membersError(w, r, m, http.StatusConflict, t.User.Email+" already owns another project named “"+
			m.Project.Name+"”, and two projects of one owner cannot share a name: rename one of them first.")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, membersPath(m.Project.ID)+"?done=role", http.StatusSeeOther)
	return nil
}

// removeMember takes a member out of the project; for a member who has not
// accepted, it cancels the invitation.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	m, t, err := s.memberTarget(r)
	if err != nil {
		return err
	}
	a := authFrom(r)
	if r.PostFormValue("confirm") != "1" {
		return s.confirmRemove(w, r, m, t, t.User.ID == a.user.ID)
	}
	err = s.db.RemoveMemberBy(r.Context(), m.Project.ID, t.User.ID, a.user.ID, s.now())
	if errors.Is(err, store.ErrLastOwner) {
		return s.membersError(w, r, m, http.StatusConflict, lastOwnerMsg)
	}
	if err != nil {
		return err
	}
	if t.User.ID == a.user.ID {
		http.Redirect(w, r, "/", http.StatusSeeOther) // they left: the project is not theirs to see any more
		return nil
	}
	http.Redirect(w, r, membersPath(m.Project.ID)+"?done=removed", http.StatusSeeOther)
	return nil
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
		return err
	}
	a := authFrom(r)
	if t.User.ID == a.user.ID {
		return s.membersError(w, r, m, http.StatusBadRequest, "Change your own phone on the account page.")
	}
	if t.Pending {
		return s.membersError(w, r, m, http.StatusForbidden, pendingResetMsg)
	}
	if !s.elevated(r) {
		return s.membersError(w, r, m, http.StatusForbidden, "Authenticate to make changes: enter your password, then reset again.")
	}
	if r.PostFormValue("confirm") != "1" {
		return s.confirmReset(w, r, m, t)
	}
	// The store checks consent again in the reset's own transaction: the
	// membership may have changed since it was read above.
	code, mac := s.newRecoveryCode(t.User.ID)
	err = s.db.ResetMemberSecondFactor(r.Context(), m.Project.ID, t.User.ID, a.user.ID, mac, s.now())
	if errors.Is(err, store.ErrPending) {
		return s.membersError(w, r, m, http.StatusForbidden, pendingResetMsg)
	}
	if errors.Is(err, store.ErrOutsideAuthority) {
		return s.membersError(w, r, m, http.StatusForbidden, outsideResetMsg)
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
