// Package storetest holds the behaviour tests that every phonegate.Store runs through Run.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

// Run runs the behaviour tests of a store as subtests of t. Each subtest
// calls open for a fresh, empty store of its own.
func Run(t *testing.T, open func(t *testing.T) phonegate.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, open opener)
	}{
		{"Users", testUsers},
		{"FirstOwnerOnce", testFirstOwnerOnce},
		{"Sessions", testSessions},
		{"SessionTouchedOncePerMinute", testSessionTouchedOncePerMinute},
		{"PingWrites", testPingWrites},
		{"PingClosed", testPingClosed},
		{"PoolStats", testPoolStats},
		{"TrustedComputers", testTrustedComputers},
		{"ProjectsAndMembers", testProjectsAndMembers},
		{"ProjectNamesPerOwner", testProjectNamesPerOwner},
		{"MemberChangesAudited", testMemberChangesAudited},
		{"PendingMembershipGrantsNothing", testPendingMembershipGrantsNothing},
		{"DeclineMembership", testDeclineMembership},
		{"PendingOwnersDoNotCount", testPendingOwnersDoNotCount},
		{"Invites", testInvites},
		{"InviteExistingAccount", testInviteExistingAccount},
		{"ProvisionMember", testProvisionMember},
		{"RemoveUnclaimedAccount", testRemoveUnclaimedAccount},
		{"InviteCaps", testInviteCaps},
		{"CreateCapsConcurrent", testCreateCapsConcurrent},
		{"ChallengeLife", testChallengeLife},
		{"Checks", testChecks},
		{"ChallengeSingleUseAndSession", testChallengeSingleUseAndSession},
		{"ConcurrentCorrectCodes", testConcurrentCorrectCodes},
		{"ExpiredChallengesEnd", testExpiredChallengesEnd},
		{"LastMFA", testLastMFA},
		{"StartChallenge", testStartChallenge},
		{"Lock", testLock},
		{"LockAudited", testLockAudited},
		{"LockInFlightFailures", testLockInFlightFailures},
		{"LockRightTenth", testLockRightTenth},
		{"LockRace", testLockRace},
		{"PassEnrollment", testPassEnrollment},
		{"EmergencyCodeOnce", testEmergencyCodeOnce},
		{"EmergencyCodeLocked", testEmergencyCodeLocked},
		{"EmergencyCodeEndsPasswordOnlySessions", testEmergencyCodeEndsPasswordOnlySessions},
		{"Reveal", testReveal},
		{"EnrollmentEndsOtherEnrollments", testEnrollmentEndsOtherEnrollments},
		{"EnrollmentNeedsNoPhoneOrPassedSession", testEnrollmentNeedsNoPhoneOrPassedSession},
		{"EmergencyWindowReplay", testEmergencyWindowReplay},
		{"EmergencyBindingEndsWithTheSession", testEmergencyBindingEndsWithTheSession},
		{"RecoveryCode", testRecoveryCode},
		{"RecoveryCodeOnce", testRecoveryCodeOnce},
		{"RecoveryCodeLock", testRecoveryCodeLock},
		{"ReserveSendLimits", testReserveSendLimits},
		{"ReserveSendEnded", testReserveSendEnded},
		{"ReserveSendConcurrent", testReserveSendConcurrent},
		{"FailDeliveryGivesTheSendBack", testFailDeliveryGivesTheSendBack},
		{"ClaimAutoCallOnce", testClaimAutoCallOnce},
		{"DeliveryStatus", testDeliveryStatus},
		{"DeliveryStatusErrors", testDeliveryStatusErrors},
		{"DeliveryStatusConcurrent", testDeliveryStatusConcurrent},
		{"ApplyStatusAudit", testApplyStatusAudit},
		{"ApplyStatusUnknown", testApplyStatusUnknown},
		{"PreferredChannel", testPreferredChannel},
		{"DeliveryForVoice", testDeliveryForVoice},
		{"DeliveryForVoiceCall", testDeliveryForVoiceCall},
		{"BindCallSID", testBindCallSID},
		{"OptOut", testOptOut},
		{"CancelPendingForPhone", testCancelPendingForPhone},
		{"ApproveByReply", testApproveByReply},
		{"DevPhone", testDevPhone},
		{"ClaimMailInQueueOrder", testClaimMailInQueueOrder},
		{"LookupUnstorableText", testLookupUnstorableText},
		{"SendCapsConcurrent", testSendCapsConcurrent},
		{"SendCapWindows", testSendCapWindows},
		{"SendBlocksAgreeWithReserveSend", testSendBlocksAgreeWithReserveSend},
		{"CheckConversion", testCheckConversion},
		{"TakeAttempt", testTakeAttempt},
		{"TakeAttemptConcurrent", testTakeAttemptConcurrent},
		{"RecordFailedLogin", testRecordFailedLogin},
		{"AuditEventsAfter", testAuditEventsAfter},
		{"UserAuditScope", testUserAuditScope},
		{"UserAuditScopeAtTheTime", testUserAuditScopeAtTheTime},
		{"Sites", testSites},
		{"StartVerification", testStartVerification},
		{"VerificationSends", testVerificationSends},
		{"VerificationChecks", testVerificationChecks},
		{"ConcurrentVerificationChecks", testConcurrentVerificationChecks},
		{"EndVerification", testEndVerification},
		{"VerificationsListed", testVerificationsListed},
		{"NoCancelsVerifications", testNoCancelsVerifications},
		{"DeleteServiceDeletesVerifications", testDeleteServiceDeletesVerifications},
		{"APIKeys", testAPIKeys},
		{"AccountSIDConcurrent", testAccountSIDConcurrent},
		{"VerifyServices", testVerifyServices},
		{"VerifyServicesSameSecond", testVerifyServicesSameSecond},
		{"AuthzFacts", testAuthzFacts},
		{"AuthzFactsAgain", testAuthzFactsAgain},
		{"ProjectsNamed", testProjectsNamed},
		{"Factors", testFactors},
		{"FactorUseOnce", testFactorUseOnce},
		{"FactorAddRace", testFactorAddRace},
		{"FactorChecksRace", testFactorChecksRace},
		{"FactorChecksLock", testFactorChecksLock},
		{"FactorsPreferenceAndReset", testFactorsPreferenceAndReset},
		{"PasskeyChallenges", testPasskeyChallenges},
		{"PasskeyChallengeOnce", testPasskeyChallengeOnce},
		{"PasskeyWithoutCounter", testPasskeyWithoutCounter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, open) })
	}
}

// opener makes a fresh, empty store for a test; the store's own test
// closes it when the test ends.
type opener func(t *testing.T) phonegate.Store

// t0 is the clock of the tests: every store method that needs the time
// takes it, and the tests give it t0 or a time counted from it.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// week is how long the tests' invitations live.
const week = 7 * 24 * time.Hour

// phoneA is the number of the delivery and reply tests.
const phoneA = "+14155552671"

// Numbers of the enrollment tests: the phone being enrolled and others.
const (
	phoneX = "+14155550101"
	phoneY = "+14155550102"
	phoneZ = "+14155550103"
)

// rightMAC stands for the MAC of the right code: the store never sees a
// code, only the MAC it keeps and hands back to be compared.
var rightMAC = []byte("mac-of-the-right-code")

// replyKeys stand for the server key in the store's reply code tests.
var replyKeys = func() *phonegate.Keys {
	k, err := phonegate.NewKeys(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		panic(err)
	}
	return k
}()

// replyMAC is what a challenge keeps of the reply code code for phone, as
// the server computes it; nil for an empty code.
func replyMAC(phone, code string) []byte { return replyKeys.ReplyMAC(phone, code) }

// invite is InviteMemberCapped from one client address, as the members
// page does, for the tests whose subject is not the caps: it adds the
// account with email to projectID on behalf of actorID and reports whether
// it made an invite.
func invite(ctx context.Context, db phonegate.Store, email string, projectID int64, role string, actorID int64,
	tokenHash []byte, expires, now time.Time) (phonegate.User, bool, error) {
	r, err := db.InviteMemberCapped(ctx, email, projectID, role, phonegate.Inviter{UserID: actorID, Addr: "192.0.2.250"},
		tokenHash, expires, now)
	return r.User, r.Link, err
}

// addMember gives u a role in projectID, accepted at once, as the command
// line does for an account that has a password: ErrConflict when u is a
// member already.
func addMember(ctx context.Context, db phonegate.Store, projectID int64, u phonegate.User, role string, now time.Time) error {
	_, err := db.ProvisionMember(ctx, u.Email, projectID, role, nil, false, now.Add(week), now)
	return err
}

// race runs fn n times at once and counts the calls that won; an error
// fails the test.
func race(t *testing.T, n int, fn func(i int) (bool, error)) int {
	t.Helper()
	var wg sync.WaitGroup
	var won atomic.Int32
	for i := range n {
		wg.Go(func() {
			ok, err := fn(i)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	wg.Wait()
	return int(won.Load())
}

// allAudit returns every audit event of a project, newest first.
func allAudit(t *testing.T, db phonegate.Store, projectID int64) []phonegate.AuditEvent {
	t.Helper()
	es, err := db.AuditEvents(context.Background(), projectID, 0, 10_000)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// newChallenge stores a pending challenge of user for session, created at at.
func newChallenge(t *testing.T, db phonegate.Store, userID int64, session string, purpose string, at time.Time) phonegate.Challenge {
	t.Helper()
	c := phonegate.Challenge{
		ID:          fmt.Sprintf("ch-%s-%d", session, at.UnixNano()),
		UserID:      userID,
		SessionHash: []byte(session),
		Purpose:     purpose,
		Label:       "P",
		Phone:       "+15005550006",
		CodeMAC:     rightMAC,
		CodeSealed:  []byte("sealed"),
		CreatedAt:   at,
		ExpiresAt:   at.Add(phonegate.ChallengeLife),
	}
	if err := db.CreateChallenge(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// answer does what a handler does with a typed code: take a check, compare,
// then pass or fail. right says whether the typed code is the right one.
func answer(db phonegate.Store, c phonegate.Challenge, right bool, now time.Time) error {
	ctx := context.Background()
	mac, err := db.TakeCheck(ctx, c.ID, c.SessionHash, now)
	if err != nil {
		return err
	}
	if !right || !bytes.Equal(mac, rightMAC) {
		if _, err := db.FailSecondFactor(ctx, c.UserID, c.ID, "wrong code", now); err != nil {
			return err
		}
		return phonegate.ErrCodeRefused
	}
	_, err = db.PassChallenge(ctx, c.ID, c.SessionHash, phonegate.Pass{Detail: "code by SMS"}, now)
	return err
}

// addSession stores a session of user whose token hash is name; passed
// says whether it has passed a second factor.
func addSession(t *testing.T, db phonegate.Store, userID int64, name string, passed bool) []byte {
	t.Helper()
	s := phonegate.Session{TokenHash: []byte(name), UserID: userID, CSRFToken: "c", CreatedAt: t0, LastSeenAt: t0}
	if passed {
		s.MFAAt = t0
	}
	if err := db.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s.TokenHash
}

// challengeTo stores a pending challenge of user for phone from session,
// made at at.
func challengeTo(t *testing.T, db phonegate.Store, userID int64, session, purpose, phone string, at time.Time) phonegate.Challenge {
	t.Helper()
	c := phonegate.Challenge{
		ID:          "ch-" + session + "-" + phone + "-" + at.Format("150405"),
		UserID:      userID,
		SessionHash: []byte(session),
		Purpose:     purpose,
		Label:       "P",
		Phone:       phone,
		CodeMAC:     rightMAC,
		CodeSealed:  []byte("sealed"),
		CreatedAt:   at,
		ExpiresAt:   at.Add(phonegate.ChallengeLife),
	}
	if err := db.CreateChallenge(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// passEnroll passes an enrollment as the code page does, with a new
// emergency code whose sealed copy waits for the session's next page;
// passed says whether the session has passed the second factor.
func passEnroll(db phonegate.Store, c phonegate.Challenge, hash string, passed bool, now time.Time) error {
	_, err := db.PassChallenge(context.Background(), c.ID, c.SessionHash, phonegate.Pass{EmergencyHash: hash,
		EmergencySealed: []byte("sealed " + hash), SessionPassed: passed, Detail: "phone verified"}, now)
	return err
}
