package phonegate

import (
	"context"
	"time"
)

// Store keeps everything that must hold across server processes: accounts,
// sessions, challenges, deliveries, counters and the audit log. Every
// method owns its transaction; a missing record is ErrNotFound, never a
// zero value. store/sqlite implements it; store/storetest holds the
// behaviour every implementation must show.
type Store interface {
	UsersStore
	SessionsStore
	ProjectsStore
	ChallengesStore
	DeliveriesStore
	CountersStore
	AuditStore
	OutboxStore
	DevPhoneStore
	SitesStore
	VerificationsStore
	APIKeysStore
	VerifyServicesStore
	AuthzStore
	FactorsStore
	PasskeyChallengesStore

	// Ping checks that the store answers and can write.
	Ping(ctx context.Context, now time.Time) error
	// IntegrityCheck checks the stored data and says what is wrong; "ok" when nothing is.
	IntegrityCheck(ctx context.Context) (string, error)
	// Close releases the store.
	Close() error
}

// UsersStore keeps accounts, passwords and server settings.
type UsersStore interface {
	// ChangePassword replaces a user's password hash, ends every other session of the user and
	// forgets every trusted computer of the user.
	ChangePassword(ctx context.Context, userID int64, hash string, keepSession []byte) error
	// CountUsers returns how many users exist.
	CountUsers(ctx context.Context) (int, error)
	// CreateUser adds a user.
	CreateUser(ctx context.Context, email, passwordHash string, now time.Time) (User, error)
	// ResetSecondFactor forgets a user's phone, emergency code and factors, clears the failure
	// count and lock, forgets their trusted computers, cancels their pending challenges and ends their
	// sessions, so that at the next login they verify a phone again; the new phone can be
	// verified only by a session that types the one-time recovery code whose keyed hash is
	// recoveryMAC, within RecoveryLife.
	ResetSecondFactor(ctx context.Context, userID, actorID int64, recoveryMAC []byte, now time.Time) error
	// SetPasswordHash replaces a user's password hash and nothing else; it is used to upgrade a
	// hash whose parameters changed.
	SetPasswordHash(ctx context.Context, userID int64, hash string) error
	// User returns the user with the given ID.
	User(ctx context.Context, id int64) (User, error)
	// UserByEmail returns the user with the given email, compared without case.
	UserByEmail(ctx context.Context, email string) (User, error)
	// SetSetting stores a setting, replacing any earlier value.
	SetSetting(ctx context.Context, key, value string) error
	// Setting returns a stored setting, or ErrNotFound.
	Setting(ctx context.Context, key string) (string, error)
}

// SessionsStore keeps login sessions, their elevation, and trusted computers.
type SessionsStore interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// DeleteExpiredSessions removes sessions idle since before idleSince or created before
	// createdSince, and returns how many went.
	DeleteExpiredSessions(ctx context.Context, idleSince, createdSince time.Time) (int64, error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, tokenHash []byte) error
	// ElevateSessionFor marks a session as re-authenticated until the given time ("Authenticate
	// to make changes") and writes it into the audit log of the project whose page asked for it,
	// in one transaction.
	ElevateSessionFor(ctx context.Context, tokenHash []byte, until time.Time, projectID, userID int64, now time.Time) error
	// RenewSession moves a session to a new token hash and CSRF token, keeping everything else,
	// and sets its second-factor time when mfaAt is not zero.
	RenewSession(ctx context.Context, oldHash, newHash []byte, csrf string, mfaAt time.Time) error
	// Session returns the live session with the given token hash and marks it seen at now.
	Session(ctx context.Context, tokenHash []byte, now, idleSince, createdSince time.Time) (Session, error)
	// UserSessions lists a user's sessions, newest first.
	UserSessions(ctx context.Context, userID int64) ([]Session, error)
	// EndOtherSessions ends every session of a user but keep (the one that asks), those still
	// between the password and the code included, and audits it as an account event.
	EndOtherSessions(ctx context.Context, userID int64, keep []byte, now time.Time) (int, error)
	// AddTrustedComputer records a computer that just passed the code under a new token.
	AddTrustedComputer(ctx context.Context, tc TrustedComputer) error
	// ForgetComputer deletes one of the user's trusted computers; ErrNotFound when the user has
	// none by that hash.
	ForgetComputer(ctx context.Context, userID int64, tokenHash []byte, now time.Time) error
	// RefreshTrustedComputer records a new pass of the code on a computer the user trusts
	// already.
	RefreshTrustedComputer(ctx context.Context, tokenHash []byte, userID int64, now time.Time) (bool, error)
	// TrustedComputer returns the record named by tokenHash if it belongs to userID; a record of
	// another user is ErrNotFound, as is a missing one.
	TrustedComputer(ctx context.Context, tokenHash []byte, userID int64) (TrustedComputer, error)
	// TrustedComputers lists a user's trusted computers, the most recently verified first.
	TrustedComputers(ctx context.Context, userID int64) ([]TrustedComputer, error)
}

// ProjectsStore keeps projects, members and invitations.
type ProjectsStore interface {
	// CreateFirstOwner creates, in one transaction, the first user and their first project, and
	// deletes the setup token so that setup runs only once.
	CreateFirstOwner(ctx context.Context, email, passwordHash, projectName string, now time.Time) (User, Project, error)
	// CreateProject creates a project owned by ownerID; ErrNameTaken when they own one of that
	// name already.
	CreateProject(ctx context.Context, ownerID int64, name string, now time.Time) (Project, error)
	// Members lists a project's members, owners first, with those who have not accepted yet.
	Members(ctx context.Context, projectID int64) ([]Member, error)
	// Membership returns userID's role in projectID, or ErrNotFound when the user is not a
	// member or has not accepted the membership yet (callers answer 404 either way, so that a
	// project's existence does not leak).
	Membership(ctx context.Context, projectID, userID int64) (Membership, error)
	// Memberships lists the projects userID belongs to and accepted, by name: what the user may
	// open, and whose two-factor levels apply to them.
	Memberships(ctx context.Context, userID int64) ([]Membership, error)
	// Project returns a project by ID.
	Project(ctx context.Context, id int64) (Project, error)
	// ProjectByName returns the oldest project with the given name.
	ProjectByName(ctx context.Context, name string) (Project, error)
	// ProjectsNamed returns every project named exactly name, oldest first (none: an empty list).
	ProjectsNamed(ctx context.Context, name string) ([]Project, error)
	// SetMFALevel sets a project's two-factor level and audits the change.
	SetMFALevel(ctx context.Context, projectID, actorID int64, level string, now time.Time) (old string, err error)
	// RenameProject gives a project a new name and audits the change.
	RenameProject(ctx context.Context, projectID, actorID int64, name string, now time.Time) (old string, err error)
	// AcceptMembership makes userID's pending membership of projectID count, and audits it.
	AcceptMembership(ctx context.Context, projectID, userID int64, now time.Time) error
	// DeclineMembership deletes userID's pending membership of projectID and audits it.
	DeclineMembership(ctx context.Context, projectID, userID int64, now time.Time) error
	// Invitations lists the memberships userID has not accepted yet, oldest first.
	Invitations(ctx context.Context, userID int64) ([]Invitation, error)
	// Member returns userID as a member of projectID, accepted or not, for the project's owners
	// and admins to change; ErrNotFound when not a member.
	Member(ctx context.Context, projectID, userID int64) (Member, error)
	// RemoveMemberBy removes a member, accepted or not, on behalf of actorID and audits it, in
	// one transaction; removing a pending member cancels the invitation.
	RemoveMemberBy(ctx context.Context, projectID, userID, actorID int64, now time.Time) error
	// ResetMemberSecondFactor is ResetSecondFactor on behalf of a member of projectID.
	ResetMemberSecondFactor(ctx context.Context, projectID, userID, actorID int64, recoveryMAC []byte, now time.Time) error
	// SetRoleBy changes a member's role on behalf of actorID and audits the change, in one
	// transaction.
	SetRoleBy(ctx context.Context, projectID, userID, actorID int64, role string, now time.Time) (old string, err error)
	// AcceptInvite uses the invite once and sets the user's password.
	AcceptInvite(ctx context.Context, tokenHash []byte, passwordHash string, now time.Time) (User, error)
	// Invite returns the unused, unexpired invite whose token hashes to tokenHash.
	Invite(ctx context.Context, tokenHash []byte, now time.Time) (Invite, error)
	// ProvisionMember is InviteMember for the command line, whose operator speaks for every
	// account: the membership of an existing account counts at once.
	ProvisionMember(ctx context.Context, email string, projectID int64, role string, tokenHash []byte, renew bool, expires, now time.Time) (InviteResult, error)
	// CreateProjectCapped is CreateProject for the home page: the project counts toward its
	// owner's MaxProjectsPerAccount in the transaction that creates it; past the cap nothing is
	// created and the error is a *LimitedError.
	CreateProjectCapped(ctx context.Context, ownerID int64, name string, now time.Time) (Project, error)
	// InviteMemberCapped is InviteMember for a members page: the invitation counts toward the
	// caps of by (MaxInvitesPerAccount, MaxInvitesPerAddress) in the transaction that makes it,
	// so concurrent invitations cannot slip under them; past a cap nothing is done and the error
	// is a *LimitedError whose Key names the cap.
	InviteMemberCapped(ctx context.Context, email string, projectID int64, role string, by Inviter, tokenHash []byte, expires, now time.Time) (InviteResult, error)
}

// ChallengesStore keeps challenges, their checks, the lock, emergency and recovery codes.
type ChallengesStore interface {
	// Challenge returns a challenge by ID.
	Challenge(ctx context.Context, id string) (Challenge, error)
	// CreateChallenge stores a new challenge.
	CreateChallenge(ctx context.Context, c Challenge) error
	// EndExpiredChallenges ends the challenges that expired by now, wiping their sealed codes.
	EndExpiredChallenges(ctx context.Context, now time.Time) error
	// SessionChallenge returns the newest challenge of a session, whatever its state.
	SessionChallenge(ctx context.Context, sessionHash []byte) (Challenge, error)
	// StartChallenge creates challenge c and reserves its first send (first, whose ChallengeID
	// it sets) in one transaction: c replaces the session's open challenges only if that send is
	// admitted.
	StartChallenge(ctx context.Context, c Challenge, first SendRequest) (Delivery, error)
	// FailSecondFactor records a wrong code (challengeID names its challenge) or a wrong
	// emergency code (challengeID empty), whose attempt TakeCheck or TakeEmergencyCheck counted
	// already.
	FailSecondFactor(ctx context.Context, userID int64, challengeID, detail string, now time.Time) (Failure, error)
	// HasReveal reports whether the session has a secret of kind still to show.
	HasReveal(ctx context.Context, sessionHash []byte, kind string) (bool, error)
	// LastMFA returns when each member of a project last passed a second factor, by user ID;
	// members who never did are absent.
	LastMFA(ctx context.Context, projectID int64) (map[int64]time.Time, error)
	// PassChallenge consumes the challenge and records the success, in one transaction: the
	// challenge becomes used and its sealed code is wiped; the user's failure count and lock are
	// cleared; the method that carried the code becomes the preferred one.
	PassChallenge(ctx context.Context, challengeID string, sessionHash []byte, p Pass, now time.Time) (Challenge, error)
	// SetEmergencyHash replaces the user's emergency code with a new one; the old one stops
	// working at once.
	SetEmergencyHash(ctx context.Context, userID int64, hash string, now time.Time) error
	// SetReveal keeps a sealed secret for one later page of the session, replacing any earlier
	// one of the same kind.
	SetReveal(ctx context.Context, sessionHash []byte, kind string, sealed []byte, now time.Time) error
	// TakeCheck counts one check of a pending challenge's code, and one second-factor attempt of
	// its user, and returns the MAC to compare the typed code with.
	TakeCheck(ctx context.Context, challengeID string, sessionHash []byte, now time.Time) ([]byte, error)
	// TakeReveal returns the sealed secret kept for the session and deletes it in the same
	// statement, so that it is shown at most once.
	TakeReveal(ctx context.Context, sessionHash []byte, kind string) ([]byte, error)
	// UseEmergencyCode consumes the user's emergency code, which the caller verified against
	// hash outside any transaction (Argon2id is slow), after TakeEmergencyCheck counted the
	// attempt: that is where a locked user is refused, and the attempt that set the lock may
	// still succeed here.
	UseEmergencyCode(ctx context.Context, userID int64, hash string, sessionHash []byte, now time.Time) error
	// TakeEmergencyCheck takes one second-factor attempt of the user for an emergency code and
	// returns the stored hash to verify it against (empty when the user has none).
	TakeEmergencyCheck(ctx context.Context, userID int64, now time.Time) (string, error)
	// Reenrollment returns what binds the user's next enrollment, seen from the session
	// sessionHash.
	Reenrollment(ctx context.Context, userID int64, sessionHash []byte, now time.Time) (Reenrollment, error)
	// UseRecoveryCode binds the user's next enrollment to the session sessionHash if mac is the
	// keyed hash of the live recovery code, and wipes the code: it works once.
	UseRecoveryCode(ctx context.Context, userID int64, mac, sessionHash []byte, now time.Time) (Failure, error)
}

// DeliveriesStore keeps the sends of codes, their statuses, opt-outs and the conversion alarm.
type DeliveriesStore interface {
	// ClaimAutoCall marks that the automatic fallback call of a pending challenge is being
	// placed.
	ClaimAutoCall(ctx context.Context, challengeID string) (bool, error)
	// Deliveries returns the deliveries of a challenge, oldest first.
	Deliveries(ctx context.Context, challengeID string) ([]Delivery, error)
	// Delivery returns a delivery by ID.
	Delivery(ctx context.Context, id string) (Delivery, error)
	// FailDelivery marks a delivery failed because the send itself was refused (the API answered
	// an error), with the provider's error code.
	FailDelivery(ctx context.Context, id string, errorCode int, now time.Time) error
	// ReserveSend checks the send limits of a challenge and of its number, and the caps of its
	// session, client address, account, number range and day (sendcaps.go), and, if they allow
	// it, counts the send everywhere and records a queued delivery, all in one transaction so
	// that concurrent sends cannot slip past a limit.
	ReserveSend(ctx context.Context, req SendRequest) (Delivery, error)
	// SetDeliverySID records the SID Twilio gave the message or call.
	SetDeliverySID(ctx context.Context, id, sid string) error
	// ApplyStatus moves a delivery to u.Status, with the provider's error code, if that status
	// ranks above the current one.
	ApplyStatus(ctx context.Context, u StatusUpdate) (bool, Delivery, error)
	// DeliveryEvents returns the status changes of a delivery, oldest first.
	DeliveryEvents(ctx context.Context, id string) ([]DeliveryEvent, error)
	// BindCallSID ties a call delivery to the call that asks for its TwiML, and reports whether
	// callSID is that call.
	BindCallSID(ctx context.Context, id, callSID string) (bool, error)
	// DeliveryForVoice returns what the voice webhook needs for a delivery in one read.
	DeliveryForVoice(ctx context.Context, id string) (VoiceDelivery, error)
	// SendBlocks reads the limits of sends to number to at now, with caps the server's daily
	// caps.
	SendBlocks(ctx context.Context, to string, caps DailyCaps, now time.Time) (SendBlocks, error)
	// ApproveByReply approves the pending, unexpired challenge for phone whose reply MAC is
	// replyMAC (Keys.ReplyMAC of the sender and the text): its holder texted the code shown on
	// the page from that very number.
	ApproveByReply(ctx context.Context, phone string, replyMAC []byte, now time.Time) (Challenge, error)
	// CancelPendingForPhone cancels every pending challenge for a phone number, because its
	// holder replied NO: they did not ask for a code.
	CancelPendingForPhone(ctx context.Context, phone string, now time.Time) (int, error)
	// OptedOut reports whether a phone number has opted out of text messages.
	OptedOut(ctx context.Context, phone string) (bool, error)
	// SetOptOut records whether a phone number has opted out of text messages (it replied STOP)
	// or back in (START).
	SetOptOut(ctx context.Context, phone string, out bool, now time.Time) error
	// CheckConversion measures the challenges made in the ConversionWindow that ended
	// ChallengeLife before now, so that every one of them has ended and had its chance to pass.
	CheckConversion(ctx context.Context, now time.Time) (c Conversion, raised bool, err error)
}

// CountersStore keeps rate-limit counters and attempts.
type CountersStore interface {
	// AddEvent counts one event of key at now.
	AddEvent(ctx context.Context, key string, now time.Time) error
	// CountEvents returns how many events of key happened at or after since.
	CountEvents(ctx context.Context, key string, since time.Time) (int, error)
	// PruneEvents deletes events older than before, which no window reaches.
	PruneEvents(ctx context.Context, before time.Time) error
	// ForgetAttempt takes back an attempt TakeAttempt counted, when it turned out not to be a
	// failure (a right password, a right code): limits count failures, not successes.
	ForgetAttempt(ctx context.Context, id int64) error
	// RecordFailedLogin counts a failed login toward its throttle, unless the throttle is
	// already full, and writes a "login.failed" audit event in the user's projects, in one
	// transaction.
	RecordFailedLogin(ctx context.Context, f FailedLogin) (throttled bool, err error)
	// TakeAttempt counts one attempt of key at now unless limit attempts already happened within
	// window before now, and returns the counted event's ID, for ForgetAttempt; when the limit
	// is reached it counts nothing and returns a *LimitedError.
	TakeAttempt(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (int64, error)
}

// AuditStore keeps the audit log.
type AuditStore interface {
	// AddUserAudit writes an event about a user into the audit log of each project it concerns:
	// see AccountEvent.
	AddUserAudit(ctx context.Context, e AuditEvent) error
	// AuditEvents lists a project's events newest first: at most limit of them with an ID below
	// before (0 for the newest).
	AuditEvents(ctx context.Context, projectID, before int64, limit int) ([]AuditEvent, error)
	// AuditEventsAfter lists the limit events of a project just newer than the event after,
	// newest first: the page before the one that starts at after, for paging back towards the
	// newest.
	AuditEventsAfter(ctx context.Context, projectID, after int64, limit int) ([]AuditEvent, error)
	// SystemAuditEvents lists the audit events of no project, about no user (the server's own,
	// such as the conversion alarm), newest first.
	SystemAuditEvents(ctx context.Context, limit int) ([]AuditEvent, error)
}

// OutboxStore keeps queued mail.
type OutboxStore interface {
	// ClaimMail takes up to limit messages that are due at now, counts an attempt for each and
	// moves it lease into the future, so that another worker (or this one after a crash) takes
	// it again only once the lease ran out without MailSent or MailRetry. They come in the
	// order they were queued, so that a user reads notices in the order things happened.
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mail, error)
	// MailRetry records a failed attempt of message id: it is due again at retryAt, or, when
	// giveUp, never again (its sealed content is wiped).
	MailRetry(ctx context.Context, id int64, reason string, retryAt time.Time, giveUp bool, now time.Time) error
	// MailSent records that message id went, and wipes its sealed content.
	MailSent(ctx context.Context, id int64, now time.Time) error
	// PruneMail deletes messages sent or given up before before.
	PruneMail(ctx context.Context, before time.Time) error
	// QueueMail adds m to the queue, due at once.
	QueueMail(ctx context.Context, m Mail, now time.Time) (queued bool, err error)
}

// DevPhoneStore keeps the dev phone's and the dev mailbox's records.
type DevPhoneStore interface {
	// AddDevPhone records a message or call sent through the dev phone, or a message the dev
	// phone sent to the server (Direction DevPhoneIn; an empty Direction is DevPhoneOut), and
	// returns it with its ID.
	AddDevPhone(ctx context.Context, e DevPhoneEntry) (DevPhoneEntry, error)
	// DevPhoneEntries returns the newest limit dev phone entries, newest first.
	DevPhoneEntries(ctx context.Context, limit int) ([]DevPhoneEntry, error)
	// DevPhoneEntry returns one dev phone entry by ID.
	DevPhoneEntry(ctx context.Context, id int64) (DevPhoneEntry, error)
	// AddDevMail delivers a message to the dev mailbox.
	AddDevMail(ctx context.Context, m DevMail) error
	// DevMailbox returns the newest limit messages of the dev mailbox, newest first.
	DevMailbox(ctx context.Context, limit int) ([]DevMail, error)
}

// SitesStore keeps the protected sites of projects (DESIGN §7).
type SitesStore interface {
	// AddSite makes host a protected site of projectID, audited; a host that
	// is already a site, of any project, is ErrSiteTaken.
	AddSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error
	// RemoveSite removes the protected site host of projectID, audited.
	RemoveSite(ctx context.Context, host string, projectID, actorID int64, now time.Time) error
	// Sites returns the protected sites of projectID, by host.
	Sites(ctx context.Context, projectID int64) ([]Site, error)
	// SiteFor returns the first of hosts, in their order, that is a
	// protected site; ErrNotFound when none is.
	SiteFor(ctx context.Context, hosts []string) (Site, error)
}

// APIKeysStore keeps the credentials of the Verify API (DESIGN §8): each
// project's account SID and its API keys.
type APIKeysStore interface {
	// AccountSID returns the account SID of projectID, storing fresh as it
	// when the project has none yet, so that the first one stays.
	AccountSID(ctx context.Context, projectID int64, fresh string) (string, error)
	// AddAPIKey stores k (its SecretMAC, never a secret), audited with
	// actorID (0 for the operator).
	AddAPIKey(ctx context.Context, k APIKey, actorID int64, now time.Time) error
	// APIKey returns the key sid, live or revoked, with its account SID.
	APIKey(ctx context.Context, sid string) (APIKey, error)
	// APIKeyBySecret returns the key, live or revoked, whose SecretMAC is
	// mac, with its account SID.
	APIKeyBySecret(ctx context.Context, mac []byte) (APIKey, error)
	// APIKeys returns the live keys of projectID, newest first.
	APIKeys(ctx context.Context, projectID int64) ([]APIKey, error)
	// RevokeAPIKey revokes the live key sid of projectID, audited;
	// ErrNotFound when it is not one.
	RevokeAPIKey(ctx context.Context, projectID int64, sid string, actorID int64, now time.Time) error
	// TouchAPIKey records that the key sid was used at now.
	TouchAPIKey(ctx context.Context, sid string, now time.Time) error
}

// VerifyServicesStore keeps the Verify API's services. Every change is
// audited in the project's log, naming the API key (keySID) that made it.
type VerifyServicesStore interface {
	// AddVerifyService stores a new service.
	AddVerifyService(ctx context.Context, v VerifyService, keySID string, now time.Time) error
	// VerifyService returns the service sid of projectID; ErrNotFound for
	// another project's.
	VerifyService(ctx context.Context, projectID int64, sid string) (VerifyService, error)
	// VerifyServices returns at most limit services of projectID, oldest
	// first, after skipping offset of them.
	VerifyServices(ctx context.Context, projectID int64, offset, limit int) ([]VerifyService, error)
	// UpdateVerifyService stores the name, code length and update time of
	// v, a service of v.ProjectID.
	UpdateVerifyService(ctx context.Context, v VerifyService, keySID string, now time.Time) error
	// DeleteVerifyService deletes the service sid of projectID.
	DeleteVerifyService(ctx context.Context, projectID int64, sid, keySID string, now time.Time) error
}

// AuthzStore reads, in one statement, what a forward-auth check needs
// (DESIGN §7: a proxy asks about every request to a protected app).
type AuthzStore interface {
	// AuthzFacts returns the facts of q; ErrNotFound when no protected
	// site covers the host. It writes nothing, not even the session's idle
	// clock: see TouchSession.
	AuthzFacts(ctx context.Context, q AuthzQuery) (AuthzFacts, error)
	// TouchSession moves the idle clock of the session tokenHash to now if
	// it was last moved a minute or more before now; a session gone, or
	// touched in the last minute, is left as it is and is no error.
	TouchSession(ctx context.Context, tokenHash []byte, now time.Time) error
}
