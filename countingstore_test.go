package phonegate_test

import (
	"context"
	"sync"
	"time"

	"github.com/phonegate/phonegate"
)

// countingStore is a real store that records which of its methods are
// called, by name, and delegates every call. It records every method of
// the stores of accounts, sessions, projects, sites and the forward-auth
// check, and the gate's HasReveal: all a check could reach.
type countingStore struct {
	phonegate.Store
	mu    sync.Mutex
	calls []string
}

// call records name and hands ctx on.
func (c *countingStore) call(ctx context.Context, name string) context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, name)
	return ctx
}

// take returns the calls recorded since the last take, and forgets them.
func (c *countingStore) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

func (c *countingStore) ChangePassword(ctx context.Context, userID int64, hash string, keepSession []byte) error {
	return c.Store.ChangePassword(c.call(ctx, "ChangePassword"), userID, hash, keepSession)
}

func (c *countingStore) CountUsers(ctx context.Context) (int, error) {
	return c.Store.CountUsers(c.call(ctx, "CountUsers"))
}

func (c *countingStore) CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (phonegate.User, error) {
	return c.Store.CreateUser(c.call(ctx, "CreateUser"), email, passwordHash, now)
}

func (c *countingStore) ResetSecondFactor(ctx context.Context, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return c.Store.ResetSecondFactor(c.call(ctx, "ResetSecondFactor"), userID, actorID, recoveryMAC, now)
}

func (c *countingStore) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	return c.Store.SetPasswordHash(c.call(ctx, "SetPasswordHash"), userID, hash)
}

func (c *countingStore) User(ctx context.Context, id int64) (phonegate.User, error) {
	return c.Store.User(c.call(ctx, "User"), id)
}

func (c *countingStore) UserByEmail(ctx context.Context, email string) (phonegate.User, error) {
	return c.Store.UserByEmail(c.call(ctx, "UserByEmail"), email)
}

func (c *countingStore) SetSetting(ctx context.Context, key, value string) error {
	return c.Store.SetSetting(c.call(ctx, "SetSetting"), key, value)
}

func (c *countingStore) Setting(ctx context.Context, key string) (string, error) {
	return c.Store.Setting(c.call(ctx, "Setting"), key)
}

func (c *countingStore) CreateSession(ctx context.Context, s phonegate.Session) error {
	return c.Store.CreateSession(c.call(ctx, "CreateSession"), s)
}

func (c *countingStore) DeleteExpiredSessions(ctx context.Context, idleSince, createdSince time.Time) (int64, error) {
	return c.Store.DeleteExpiredSessions(c.call(ctx, "DeleteExpiredSessions"), idleSince, createdSince)
}

func (c *countingStore) DeleteSession(ctx context.Context, tokenHash []byte) error {
	return c.Store.DeleteSession(c.call(ctx, "DeleteSession"), tokenHash)
}

func (c *countingStore) ElevateSessionFor(ctx context.Context, tokenHash []byte, until time.Time, projectID, userID int64, now time.Time) error {
	return c.Store.ElevateSessionFor(c.call(ctx, "ElevateSessionFor"), tokenHash, until, projectID, userID, now)
}

func (c *countingStore) RenewSession(ctx context.Context, oldHash, newHash []byte, csrf string, mfaAt time.Time) error {
	return c.Store.RenewSession(c.call(ctx, "RenewSession"), oldHash, newHash, csrf, mfaAt)
}

func (c *countingStore) Session(ctx context.Context, tokenHash []byte, now, idleSince, createdSince time.Time) (phonegate.Session, error) {
	return c.Store.Session(c.call(ctx, "Session"), tokenHash, now, idleSince, createdSince)
}

func (c *countingStore) UserSessions(ctx context.Context, userID int64) ([]phonegate.Session, error) {
	return c.Store.UserSessions(c.call(ctx, "UserSessions"), userID)
}

func (c *countingStore) EndOtherSessions(ctx context.Context, userID int64, keep []byte, now time.Time) (int, error) {
	return c.Store.EndOtherSessions(c.call(ctx, "EndOtherSessions"), userID, keep, now)
}

func (c *countingStore) AddTrustedComputer(ctx context.Context, tc phonegate.TrustedComputer) error {
	return c.Store.AddTrustedComputer(c.call(ctx, "AddTrustedComputer"), tc)
}

func (c *countingStore) ForgetComputer(ctx context.Context, userID int64, tokenHash []byte, now time.Time) error {
	return c.Store.ForgetComputer(c.call(ctx, "ForgetComputer"), userID, tokenHash, now)
}

func (c *countingStore) RefreshTrustedComputer(ctx context.Context, tokenHash []byte, userID int64, now time.Time) (bool, error) {
	return c.Store.RefreshTrustedComputer(c.call(ctx, "RefreshTrustedComputer"), tokenHash, userID, now)
}

func (c *countingStore) TrustedComputer(ctx context.Context, tokenHash []byte, userID int64) (phonegate.TrustedComputer, error) {
	return c.Store.TrustedComputer(c.call(ctx, "TrustedComputer"), tokenHash, userID)
}

func (c *countingStore) TrustedComputers(ctx context.Context, userID int64) ([]phonegate.TrustedComputer, error) {
	return c.Store.TrustedComputers(c.call(ctx, "TrustedComputers"), userID)
}

func (c *countingStore) CreateFirstOwner(ctx context.Context, email, passwordHash, projectName string, now time.Time) (phonegate.User, phonegate.Project, error) {
	return c.Store.CreateFirstOwner(c.call(ctx, "CreateFirstOwner"), email, passwordHash, projectName, now)
}

func (c *countingStore) CreateProject(ctx context.Context, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	return c.Store.CreateProject(c.call(ctx, "CreateProject"), ownerID, name, now)
}

func (c *countingStore) Members(ctx context.Context, projectID int64) ([]phonegate.Member, error) {
	return c.Store.Members(c.call(ctx, "Members"), projectID)
}

func (c *countingStore) Membership(ctx context.Context, projectID, userID int64) (phonegate.Membership, error) {
	return c.Store.Membership(c.call(ctx, "Membership"), projectID, userID)
}

func (c *countingStore) Memberships(ctx context.Context, userID int64) ([]phonegate.Membership, error) {
	return c.Store.Memberships(c.call(ctx, "Memberships"), userID)
}

func (c *countingStore) Project(ctx context.Context, id int64) (phonegate.Project, error) {
	return c.Store.Project(c.call(ctx, "Project"), id)
}

func (c *countingStore) ProjectByName(ctx context.Context, name string) (phonegate.Project, error) {
	return c.Store.ProjectByName(c.call(ctx, "ProjectByName"), name)
}

func (c *countingStore) ProjectsNamed(ctx context.Context, name string) ([]phonegate.Project, error) {
	return c.Store.ProjectsNamed(c.call(ctx, "ProjectsNamed"), name)
}

func (c *countingStore) SetMFALevel(ctx context.Context, projectID, actorID int64, level string, now time.Time) (old string, err error) {
	return c.Store.SetMFALevel(c.call(ctx, "SetMFALevel"), projectID, actorID, level, now)
}

func (c *countingStore) RenameProject(ctx context.Context, projectID, actorID int64, name string, now time.Time) (old string, err error) {
	return c.Store.RenameProject(c.call(ctx, "RenameProject"), projectID, actorID, name, now)
}

func (c *countingStore) AcceptMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return c.Store.AcceptMembership(c.call(ctx, "AcceptMembership"), projectID, userID, now)
}

func (c *countingStore) DeclineMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return c.Store.DeclineMembership(c.call(ctx, "DeclineMembership"), projectID, userID, now)
}

func (c *countingStore) Invitations(ctx context.Context, userID int64) ([]phonegate.Invitation, error) {
	return c.Store.Invitations(c.call(ctx, "Invitations"), userID)
}

func (c *countingStore) Member(ctx context.Context, projectID, userID int64) (phonegate.Member, error) {
	return c.Store.Member(c.call(ctx, "Member"), projectID, userID)
}

func (c *countingStore) RemoveMemberBy(ctx context.Context, projectID, userID, actorID int64, now time.Time) error {
	return c.Store.RemoveMemberBy(c.call(ctx, "RemoveMemberBy"), projectID, userID, actorID, now)
}

func (c *countingStore) ResetMemberSecondFactor(ctx context.Context, projectID, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return c.Store.ResetMemberSecondFactor(c.call(ctx, "ResetMemberSecondFactor"), projectID, userID, actorID, recoveryMAC, now)
}

func (c *countingStore) SetRoleBy(ctx context.Context, projectID, userID, actorID int64, role string, now time.Time) (old string, err error) {
	return c.Store.SetRoleBy(c.call(ctx, "SetRoleBy"), projectID, userID, actorID, role, now)
}

func (c *countingStore) AcceptInvite(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (phonegate.User, error) {
	return c.Store.AcceptInvite(c.call(ctx, "AcceptInvite"), tokenHash, passwordHash, now)
}

func (c *countingStore) Invite(ctx context.Context, tokenHash []byte, now time.Time) (phonegate.Invite, error) {
	return c.Store.Invite(c.call(ctx, "Invite"), tokenHash, now)
}

func (c *countingStore) ProvisionMember(ctx context.Context, email string, projectID int64, role string, tokenHash []byte, renew bool, expires, now time.Time) (phonegate.InviteResult, error) {
	return c.Store.ProvisionMember(c.call(ctx, "ProvisionMember"), email, projectID, role, tokenHash, renew, expires, now)
}

func (c *countingStore) CreateProjectCapped(ctx context.Context, ownerID int64, name string, now time.Time) (phonegate.Project, error) {
	return c.Store.CreateProjectCapped(c.call(ctx, "CreateProjectCapped"), ownerID, name, now)
}

func (c *countingStore) InviteMemberCapped(ctx context.Context, email string, projectID int64, role string, by phonegate.Inviter, tokenHash []byte, expires, now time.Time) (phonegate.InviteResult, error) {
	return c.Store.InviteMemberCapped(c.call(ctx, "InviteMemberCapped"), email, projectID, role, by, tokenHash, expires, now)
}

func (c *countingStore) AddSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return c.Store.AddSite(c.call(ctx, "AddSite"), host, projectID, actorID, now)
}

func (c *countingStore) RemoveSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return c.Store.RemoveSite(c.call(ctx, "RemoveSite"), host, projectID, actorID, now)
}

func (c *countingStore) Sites(ctx context.Context, projectID int64) ([]phonegate.Site, error) {
	return c.Store.Sites(c.call(ctx, "Sites"), projectID)
}

func (c *countingStore) SiteFor(ctx context.Context, hosts []string) (phonegate.Site, error) {
	return c.Store.SiteFor(c.call(ctx, "SiteFor"), hosts)
}

func (c *countingStore) AuthzFacts(ctx context.Context, q phonegate.AuthzQuery) (phonegate.AuthzFacts, error) {
	return c.Store.AuthzFacts(c.call(ctx, "AuthzFacts"), q)
}

func (c *countingStore) TouchSession(ctx context.Context, tokenHash []byte, now time.Time) error {
	return c.Store.TouchSession(c.call(ctx, "TouchSession"), tokenHash, now)
}

func (c *countingStore) HasReveal(ctx context.Context, sessionHash []byte, kind string) (bool, error) {
	return c.Store.HasReveal(c.call(ctx, "HasReveal"), sessionHash, kind)
}
