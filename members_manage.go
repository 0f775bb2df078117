package phonegate

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// CanManage reports whether a member with role may change a project's
// settings and members.
func CanManage(role string) bool { return role == RoleOwner || role == RoleAdmin }

// Grantable lists the roles a member with role may give: owners give any
// role, admins every role but owner.
func Grantable(role string) []string {
	if role == RoleOwner {
		return []string{RoleDeveloper, RoleAdmin, RoleOwner}
	}
	return []string{RoleDeveloper, RoleAdmin}
}

// MayChange reports whether a member with role actor may change, remove or
// reset a member with role target: admins cannot touch owners.
func MayChange(actor, target string) bool {
	return actor == RoleOwner || (actor == RoleAdmin && target != RoleOwner)
}

// errNoSuchMember answers a member form that names nobody of the project.
var errNoSuchMember = &Error{Code: EInvalid, Message: "That member is not known."}

// lastOwnerMsg refuses a change that would leave a project without owner.
const lastOwnerMsg = "A project must keep at least one owner: make someone else an owner first."

// ManagedMember returns the member userID of m's project, accepted or not,
// if m, a manager of the project, may change them (MayChange); else an
// *Error in words.
func (s *Service) ManagedMember(ctx context.Context, m Membership, userID int64) (Member, error) {
	if userID <= 0 {
		return Member{}, errNoSuchMember
	}
	t, err := s.store.Member(ctx, m.Project.ID, userID)
	if errors.Is(err, ErrNotFound) {
		return Member{}, errNoSuchMember
	}
	if err != nil {
		return Member{}, err
	}
	if !MayChange(m.Role, t.Role) {
		return Member{}, &Error{Code: EForbidden, Message: "Only an owner can change an owner."}
	}
	return t, nil
}

// ChangeRole gives member t of m's project role, on behalf of actor, whose
// membership m is. It returns the words that confirm it; a role actor may
// not give, the last owner, or a name the member already owns is refused
// with an *Error in words.
func (s *Service) ChangeRole(ctx context.Context, m Membership, actor User, t Member, role string) (string, error) {
	if !slices.Contains(Grantable(m.Role), role) {
		return "", Errorf(EInvalid, "Choose a role you can give.")
	}
	_, err := s.store.SetRoleBy(ctx, m.Project.ID, t.User.ID, actor.ID, role, s.now())
	if errors.Is(err, ErrLastOwner) {
		return "", &Error{Code: EConflict, Message: lastOwnerMsg, Cause: err}
	}
	if errors.Is(err, ErrNameTaken) {
		return "", &Error{Code: EConflict, Message: t.User.Email + " already owns another project named “" +
			m.Project.Name + "”, and two projects of one owner cannot share a name: rename one of them first.", Cause: err}
	}
	if err != nil {
		return "", err
	}
	return "Role changed: " + t.User.Email + " is now " + strings.ToUpper(role[:1]) + role[1:] + ".", nil
}

// RemoveMember takes member t out of the project p on behalf of actor; for
// a member who has not accepted, it cancels the invitation. The last owner
// stays, refused with an *Error in words.
func (s *Service) RemoveMember(ctx context.Context, p Project, actor User, t Member) error {
	err := s.store.RemoveMemberBy(ctx, p.ID, t.User.ID, actor.ID, s.now())
	if errors.Is(err, ErrLastOwner) {
		return &Error{Code: EConflict, Message: lastOwnerMsg, Cause: err}
	}
	return err
}

// MemberFacts is what a project's owners and admins may see of one
// member. A member who has not accepted (or whose account never chose its
// password) shows nothing of the account: not whether the address had one
// (its email is in lower case, as an existing account keeps its owner's
// spelling and a new one the inviter's), nor its phone or last code.
type MemberFacts struct {
	UserID        int64
	Email         string
	Role          string
	Pending       bool
	PhoneVerified bool
	LastCode      time.Time // when the member last passed a second factor; zero for never
}

// MemberList lists the members of project p as its managers may see them.
func (s *Service) MemberList(ctx context.Context, p Project) ([]MemberFacts, error) {
	ms, err := s.store.Members(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	last, err := s.store.LastMFA(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]MemberFacts, 0, len(ms))
	for _, x := range ms {
		f := MemberFacts{UserID: x.User.ID, Email: x.User.Email, Role: x.Role, Pending: x.Pending || x.Invited}
		if f.Pending {
			f.Email = strings.ToLower(f.Email)
		} else {
			f.PhoneVerified, f.LastCode = x.User.PhoneVerified, last[x.User.ID]
		}
		out = append(out, f)
	}
	return out, nil
}
