package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/phonegate/phonegate"
)

// notImplemented is the error of a method this store does not have yet.
func notImplemented(method string) error {
	return errors.New("postgres: " + method + " not implemented")
}

// ChangePassword is not implemented yet.
func (db *DB) ChangePassword(ctx context.Context, userID int64, hash string, keepSession []byte) error {
	return notImplemented("ChangePassword")
}

// CountUsers is not implemented yet.
func (db *DB) CountUsers(ctx context.Context) (_ int, err error) {
	err = notImplemented("CountUsers")
	return
}

// CreateUser is not implemented yet.
func (db *DB) CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (_ phonegate.User, err error) {
	err = notImplemented("CreateUser")
	return
}

// ResetSecondFactor is not implemented yet.
func (db *DB) ResetSecondFactor(ctx context.Context, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return notImplemented("ResetSecondFactor")
}

// SetPasswordHash is not implemented yet.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	return notImplemented("SetPasswordHash")
}

// User is not implemented yet.
func (db *DB) User(ctx context.Context, id int64) (_ phonegate.User, err error) {
	err = notImplemented("User")
	return
}

// UserByEmail is not implemented yet.
func (db *DB) UserByEmail(ctx context.Context, email string) (_ phonegate.User, err error) {
	err = notImplemented("UserByEmail")
	return
}

// CreateSession is not implemented yet.
func (db *DB) CreateSession(ctx context.Context, s phonegate.Session) error {
	return notImplemented("CreateSession")
}

// DeleteExpiredSessions is not implemented yet.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleSince, createdSince time.Time) (_ int64, err error) {
	err = notImplemented("DeleteExpiredSessions")
	return
}

// DeleteSession is not implemented yet.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	return notImplemented("DeleteSession")
}

// ElevateSessionFor is not implemented yet.
func (db *DB) ElevateSessionFor(ctx context.Context, tokenHash []byte, until time.Time, projectID, userID int64, now time.Time) error {
	return notImplemented("ElevateSessionFor")
}

// RenewSession is not implemented yet.
func (db *DB) RenewSession(ctx context.Context, oldHash, newHash []byte, csrf string, mfaAt time.Time) error {
	return notImplemented("RenewSession")
}

// Session is not implemented yet.
func (db *DB) Session(ctx context.Context, tokenHash []byte, now, idleSince, createdSince time.Time) (_ phonegate.Session, err error) {
	err = notImplemented("Session")
	return
}

// UserSessions is not implemented yet.
func (db *DB) UserSessions(ctx context.Context, userID int64) (_ []phonegate.Session, err error) {
	err = notImplemented("UserSessions")
	return
}

// EndOtherSessions is not implemented yet.
func (db *DB) EndOtherSessions(ctx context.Context, userID int64, keep []byte, now time.Time) (_ int, err error) {
	err = notImplemented("EndOtherSessions")
	return
}

// AddTrustedComputer is not implemented yet.
func (db *DB) AddTrustedComputer(ctx context.Context, tc phonegate.TrustedComputer) error {
	return notImplemented("AddTrustedComputer")
}

// ForgetComputer is not implemented yet.
func (db *DB) ForgetComputer(ctx context.Context, userID int64, tokenHash []byte, now time.Time) error {
	return notImplemented("ForgetComputer")
}

// RefreshTrustedComputer is not implemented yet.
func (db *DB) RefreshTrustedComputer(ctx context.Context, tokenHash []byte, userID int64, now time.Time) (_ bool, err error) {
	err = notImplemented("RefreshTrustedComputer")
	return
}

// TrustedComputer is not implemented yet.
func (db *DB) TrustedComputer(ctx context.Context, tokenHash []byte, userID int64) (_ phonegate.TrustedComputer, err error) {
	err = notImplemented("TrustedComputer")
	return
}

// TrustedComputers is not implemented yet.
func (db *DB) TrustedComputers(ctx context.Context, userID int64) (_ []phonegate.TrustedComputer, err error) {
	err = notImplemented("TrustedComputers")
	return
}

// CreateFirstOwner is not implemented yet.
func (db *DB) CreateFirstOwner(ctx context.Context, email, passwordHash, projectName string, now time.Time) (_ phonegate.User, _ phonegate.Project, err error) {
	err = notImplemented("CreateFirstOwner")
	return
}

// CreateProject is not implemented yet.
func (db *DB) CreateProject(ctx context.Context, ownerID int64, name string, now time.Time) (_ phonegate.Project, err error) {
	err = notImplemented("CreateProject")
	return
}

// Members is not implemented yet.
func (db *DB) Members(ctx context.Context, projectID int64) (_ []phonegate.Member, err error) {
	err = notImplemented("Members")
	return
}

// Membership is not implemented yet.
func (db *DB) Membership(ctx context.Context, projectID, userID int64) (_ phonegate.Membership, err error) {
	err = notImplemented("Membership")
	return
}

// Memberships is not implemented yet.
func (db *DB) Memberships(ctx context.Context, userID int64) (_ []phonegate.Membership, err error) {
	err = notImplemented("Memberships")
	return
}

// Project is not implemented yet.
func (db *DB) Project(ctx context.Context, id int64) (_ phonegate.Project, err error) {
	err = notImplemented("Project")
	return
}

// ProjectByName is not implemented yet.
func (db *DB) ProjectByName(ctx context.Context, name string) (_ phonegate.Project, err error) {
	err = notImplemented("ProjectByName")
	return
}

// ProjectsNamed is not implemented yet.
func (db *DB) ProjectsNamed(ctx context.Context, name string) (_ []phonegate.Project, err error) {
	err = notImplemented("ProjectsNamed")
	return
}

// SetMFALevel is not implemented yet.
func (db *DB) SetMFALevel(ctx context.Context, projectID, actorID int64, level string, now time.Time) (_ string, err error) {
	err = notImplemented("SetMFALevel")
	return
}

// RenameProject is not implemented yet.
func (db *DB) RenameProject(ctx context.Context, projectID, actorID int64, name string, now time.Time) (_ string, err error) {
	err = notImplemented("RenameProject")
	return
}

// AcceptMembership is not implemented yet.
func (db *DB) AcceptMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return notImplemented("AcceptMembership")
}

// DeclineMembership is not implemented yet.
func (db *DB) DeclineMembership(ctx context.Context, projectID, userID int64, now time.Time) error {
	return notImplemented("DeclineMembership")
}

// Invitations is not implemented yet.
func (db *DB) Invitations(ctx context.Context, userID int64) (_ []phonegate.Invitation, err error) {
	err = notImplemented("Invitations")
	return
}

// Member is not implemented yet.
func (db *DB) Member(ctx context.Context, projectID, userID int64) (_ phonegate.Member, err error) {
	err = notImplemented("Member")
	return
}

// RemoveMemberBy is not implemented yet.
func (db *DB) RemoveMemberBy(ctx context.Context, projectID, userID, actorID int64, now time.Time) error {
	return notImplemented("RemoveMemberBy")
}

// ResetMemberSecondFactor is not implemented yet.
func (db *DB) ResetMemberSecondFactor(ctx context.Context, projectID, userID, actorID int64, recoveryMAC []byte, now time.Time) error {
	return notImplemented("ResetMemberSecondFactor")
}

// SetRoleBy is not implemented yet.
func (db *DB) SetRoleBy(ctx context.Context, projectID, userID, actorID int64, role string, now time.Time) (_ string, err error) {
	err = notImplemented("SetRoleBy")
	return
}

// AcceptInvite is not implemented yet.
func (db *DB) AcceptInvite(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (_ phonegate.User, err error) {
	err = notImplemented("AcceptInvite")
	return
}

// Invite is not implemented yet.
func (db *DB) Invite(ctx context.Context, tokenHash []byte, now time.Time) (_ phonegate.Invite, err error) {
	err = notImplemented("Invite")
	return
}

// ProvisionMember is not implemented yet.
func (db *DB) ProvisionMember(ctx context.Context, email string, projectID int64, role string, tokenHash []byte, renew bool, expires, now time.Time) (_ phonegate.InviteResult, err error) {
	err = notImplemented("ProvisionMember")
	return
}

// CreateProjectCapped is not implemented yet.
func (db *DB) CreateProjectCapped(ctx context.Context, ownerID int64, name string, now time.Time) (_ phonegate.Project, err error) {
	err = notImplemented("CreateProjectCapped")
	return
}

// InviteMemberCapped is not implemented yet.
func (db *DB) InviteMemberCapped(ctx context.Context, email string, projectID int64, role string, by phonegate.Inviter, tokenHash []byte, expires, now time.Time) (_ phonegate.InviteResult, err error) {
	err = notImplemented("InviteMemberCapped")
	return
}

// Challenge is not implemented yet.
func (db *DB) Challenge(ctx context.Context, id string) (_ phonegate.Challenge, err error) {
	err = notImplemented("Challenge")
	return
}

// CreateChallenge is not implemented yet.
func (db *DB) CreateChallenge(ctx context.Context, c phonegate.Challenge) error {
	return notImplemented("CreateChallenge")
}

// EndExpiredChallenges is not implemented yet.
func (db *DB) EndExpiredChallenges(ctx context.Context, now time.Time) error {
	return notImplemented("EndExpiredChallenges")
}

// SessionChallenge is not implemented yet.
func (db *DB) SessionChallenge(ctx context.Context, sessionHash []byte) (_ phonegate.Challenge, err error) {
	err = notImplemented("SessionChallenge")
	return
}

// StartChallenge is not implemented yet.
func (db *DB) StartChallenge(ctx context.Context, c phonegate.Challenge, first phonegate.SendRequest) (_ phonegate.Delivery, err error) {
	err = notImplemented("StartChallenge")
	return
}

// FailSecondFactor is not implemented yet.
func (db *DB) FailSecondFactor(ctx context.Context, userID int64, challengeID, detail string, now time.Time) (_ phonegate.Failure, err error) {
	err = notImplemented("FailSecondFactor")
	return
}

// HasReveal is not implemented yet.
func (db *DB) HasReveal(ctx context.Context, sessionHash []byte, kind string) (_ bool, err error) {
	err = notImplemented("HasReveal")
	return
}

// LastMFA is not implemented yet.
func (db *DB) LastMFA(ctx context.Context, projectID int64) (_ map[int64]time.Time, err error) {
	err = notImplemented("LastMFA")
	return
}

// PassChallenge is not implemented yet.
func (db *DB) PassChallenge(ctx context.Context, challengeID string, sessionHash []byte, p phonegate.Pass, now time.Time) (_ phonegate.Challenge, err error) {
	err = notImplemented("PassChallenge")
	return
}

// SetEmergencyHash is not implemented yet.
func (db *DB) SetEmergencyHash(ctx context.Context, userID int64, hash string, now time.Time) error {
	return notImplemented("SetEmergencyHash")
}

// SetReveal is not implemented yet.
func (db *DB) SetReveal(ctx context.Context, sessionHash []byte, kind string, sealed []byte, now time.Time) error {
	return notImplemented("SetReveal")
}

// TakeCheck is not implemented yet.
func (db *DB) TakeCheck(ctx context.Context, challengeID string, sessionHash []byte, now time.Time) (_ []byte, err error) {
	err = notImplemented("TakeCheck")
	return
}

// TakeReveal is not implemented yet.
func (db *DB) TakeReveal(ctx context.Context, sessionHash []byte, kind string) (_ []byte, err error) {
	err = notImplemented("TakeReveal")
	return
}

// UseEmergencyCode is not implemented yet.
func (db *DB) UseEmergencyCode(ctx context.Context, userID int64, hash string, sessionHash []byte, now time.Time) error {
	return notImplemented("UseEmergencyCode")
}

// TakeEmergencyCheck is not implemented yet.
func (db *DB) TakeEmergencyCheck(ctx context.Context, userID int64, now time.Time) (_ string, err error) {
	err = notImplemented("TakeEmergencyCheck")
	return
}

// Reenrollment is not implemented yet.
func (db *DB) Reenrollment(ctx context.Context, userID int64, sessionHash []byte, now time.Time) (_ phonegate.Reenrollment, err error) {
	err = notImplemented("Reenrollment")
	return
}

// UseRecoveryCode is not implemented yet.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, mac, sessionHash []byte, now time.Time) (_ phonegate.Failure, err error) {
	err = notImplemented("UseRecoveryCode")
	return
}

// ClaimAutoCall is not implemented yet.
func (db *DB) ClaimAutoCall(ctx context.Context, challengeID string) (_ bool, err error) {
	err = notImplemented("ClaimAutoCall")
	return
}

// Deliveries is not implemented yet.
func (db *DB) Deliveries(ctx context.Context, challengeID string) (_ []phonegate.Delivery, err error) {
	err = notImplemented("Deliveries")
	return
}

// Delivery is not implemented yet.
func (db *DB) Delivery(ctx context.Context, id string) (_ phonegate.Delivery, err error) {
	err = notImplemented("Delivery")
	return
}

// FailDelivery is not implemented yet.
func (db *DB) FailDelivery(ctx context.Context, id string, errorCode int, now time.Time) error {
	return notImplemented("FailDelivery")
}

// ReserveSend is not implemented yet.
func (db *DB) ReserveSend(ctx context.Context, req phonegate.SendRequest) (_ phonegate.Delivery, err error) {
	err = notImplemented("ReserveSend")
	return
}

// SetDeliverySID is not implemented yet.
func (db *DB) SetDeliverySID(ctx context.Context, id, sid string) error {
	return notImplemented("SetDeliverySID")
}

// ApplyStatus is not implemented yet.
func (db *DB) ApplyStatus(ctx context.Context, u phonegate.StatusUpdate) (_ bool, _ phonegate.Delivery, err error) {
	err = notImplemented("ApplyStatus")
	return
}

// DeliveryEvents is not implemented yet.
func (db *DB) DeliveryEvents(ctx context.Context, id string) (_ []phonegate.DeliveryEvent, err error) {
	err = notImplemented("DeliveryEvents")
	return
}

// BindCallSID is not implemented yet.
func (db *DB) BindCallSID(ctx context.Context, id, callSID string) (_ bool, err error) {
	err = notImplemented("BindCallSID")
	return
}

// DeliveryForVoice is not implemented yet.
func (db *DB) DeliveryForVoice(ctx context.Context, id string) (_ phonegate.VoiceDelivery, err error) {
	err = notImplemented("DeliveryForVoice")
	return
}

// SendBlocks is not implemented yet.
func (db *DB) SendBlocks(ctx context.Context, to string, caps phonegate.DailyCaps, now time.Time) (_ phonegate.SendBlocks, err error) {
	err = notImplemented("SendBlocks")
	return
}

// ApproveByReply is not implemented yet.
func (db *DB) ApproveByReply(ctx context.Context, phone string, replyMAC []byte, now time.Time) (_ phonegate.Challenge, err error) {
	err = notImplemented("ApproveByReply")
	return
}

// CancelPendingForPhone is not implemented yet.
func (db *DB) CancelPendingForPhone(ctx context.Context, phone string, now time.Time) (_ int, err error) {
	err = notImplemented("CancelPendingForPhone")
	return
}

// OptedOut is not implemented yet.
func (db *DB) OptedOut(ctx context.Context, phone string) (_ bool, err error) {
	err = notImplemented("OptedOut")
	return
}

// SetOptOut is not implemented yet.
func (db *DB) SetOptOut(ctx context.Context, phone string, out bool, now time.Time) error {
	return notImplemented("SetOptOut")
}

// CheckConversion is not implemented yet.
func (db *DB) CheckConversion(ctx context.Context, now time.Time) (_ phonegate.Conversion, _ bool, err error) {
	err = notImplemented("CheckConversion")
	return
}

// AddEvent is not implemented yet.
func (db *DB) AddEvent(ctx context.Context, key string, now time.Time) error {
	return notImplemented("AddEvent")
}

// CountEvents is not implemented yet.
func (db *DB) CountEvents(ctx context.Context, key string, since time.Time) (_ int, err error) {
	err = notImplemented("CountEvents")
	return
}

// PruneEvents is not implemented yet.
func (db *DB) PruneEvents(ctx context.Context, before time.Time) error {
	return notImplemented("PruneEvents")
}

// ForgetAttempt is not implemented yet.
func (db *DB) ForgetAttempt(ctx context.Context, id int64) error {
	return notImplemented("ForgetAttempt")
}

// RecordFailedLogin is not implemented yet.
func (db *DB) RecordFailedLogin(ctx context.Context, f phonegate.FailedLogin) (_ bool, err error) {
	err = notImplemented("RecordFailedLogin")
	return
}

// TakeAttempt is not implemented yet.
func (db *DB) TakeAttempt(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (_ int64, err error) {
	err = notImplemented("TakeAttempt")
	return
}

// AddUserAudit is not implemented yet.
func (db *DB) AddUserAudit(ctx context.Context, e phonegate.AuditEvent) error {
	return notImplemented("AddUserAudit")
}

// AuditEvents is not implemented yet.
func (db *DB) AuditEvents(ctx context.Context, projectID, before int64, limit int) (_ []phonegate.AuditEvent, err error) {
	err = notImplemented("AuditEvents")
	return
}

// AuditEventsAfter is not implemented yet.
func (db *DB) AuditEventsAfter(ctx context.Context, projectID, after int64, limit int) (_ []phonegate.AuditEvent, err error) {
	err = notImplemented("AuditEventsAfter")
	return
}

// SystemAuditEvents is not implemented yet.
func (db *DB) SystemAuditEvents(ctx context.Context, limit int) (_ []phonegate.AuditEvent, err error) {
	err = notImplemented("SystemAuditEvents")
	return
}

// ClaimMail is not implemented yet.
func (db *DB) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) (_ []phonegate.Mail, err error) {
	err = notImplemented("ClaimMail")
	return
}

// MailRetry is not implemented yet.
func (db *DB) MailRetry(ctx context.Context, id int64, reason string, retryAt time.Time, giveUp bool, now time.Time) error {
	return notImplemented("MailRetry")
}

// MailSent is not implemented yet.
func (db *DB) MailSent(ctx context.Context, id int64, now time.Time) error {
	return notImplemented("MailSent")
}

// PruneMail is not implemented yet.
func (db *DB) PruneMail(ctx context.Context, before time.Time) error {
	return notImplemented("PruneMail")
}

// QueueMail is not implemented yet.
func (db *DB) QueueMail(ctx context.Context, m phonegate.Mail, now time.Time) (_ bool, err error) {
	err = notImplemented("QueueMail")
	return
}

// AddDevPhone is not implemented yet.
func (db *DB) AddDevPhone(ctx context.Context, e phonegate.DevPhoneEntry) (_ phonegate.DevPhoneEntry, err error) {
	err = notImplemented("AddDevPhone")
	return
}

// DevPhoneEntries is not implemented yet.
func (db *DB) DevPhoneEntries(ctx context.Context, limit int) (_ []phonegate.DevPhoneEntry, err error) {
	err = notImplemented("DevPhoneEntries")
	return
}

// DevPhoneEntry is not implemented yet.
func (db *DB) DevPhoneEntry(ctx context.Context, id int64) (_ phonegate.DevPhoneEntry, err error) {
	err = notImplemented("DevPhoneEntry")
	return
}

// AddDevMail is not implemented yet.
func (db *DB) AddDevMail(ctx context.Context, m phonegate.DevMail) error {
	return notImplemented("AddDevMail")
}

// DevMailbox is not implemented yet.
func (db *DB) DevMailbox(ctx context.Context, limit int) (_ []phonegate.DevMail, err error) {
	err = notImplemented("DevMailbox")
	return
}

// AddSite is not implemented yet.
func (db *DB) AddSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return notImplemented("AddSite")
}

// RemoveSite is not implemented yet.
func (db *DB) RemoveSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error {
	return notImplemented("RemoveSite")
}

// Sites is not implemented yet.
func (db *DB) Sites(ctx context.Context, projectID int64) (_ []phonegate.Site, err error) {
	err = notImplemented("Sites")
	return
}

// SiteFor is not implemented yet.
func (db *DB) SiteFor(ctx context.Context, hosts []string) (_ phonegate.Site, err error) {
	err = notImplemented("SiteFor")
	return
}
