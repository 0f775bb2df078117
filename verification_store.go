package phonegate

import (
	"context"
	"time"
)

// VerificationsStore keeps the verifications of the Verify API: challenges
// of PurposeVerify, whose sends are ordinary deliveries.
type VerificationsStore interface {
	// StartVerification creates verification c and reserves its first send (first, whose
	// ChallengeID it sets) in one transaction, unless its service has a pending, unexpired
	// verification for the same phone: then nothing is done and the error is ErrConflict.
	StartVerification(ctx context.Context, c Challenge, first SendRequest) (Delivery, error)
	// LatestVerification returns the newest verification of a service for a phone, whatever
	// its state.
	LatestVerification(ctx context.Context, serviceSID, phone string) (Challenge, error)
	// CheckVerification counts one check of a pending, unexpired verification that has checks
	// left, compares mac with its code's MAC, and on a match consumes it (used), or after the
	// MaxChecks-th wrong one kills it (dead), all in one transaction: of any number of
	// concurrent right checks exactly one passes. checked is false when no check was taken;
	// c is the verification as it stands after.
	CheckVerification(ctx context.Context, id string, mac []byte, now time.Time) (c Challenge, checked bool, err error)
	// EndVerification moves a pending, unexpired verification to state (ChallengeUsed or
	// ChallengeCancelled), wiping its sealed code; ErrNotFound when it is not pending.
	EndVerification(ctx context.Context, id, state string, now time.Time) (Challenge, error)
	// Verifications returns the newest limit verifications of a service, newest first.
	Verifications(ctx context.Context, serviceSID string, limit int) ([]Challenge, error)
	// CountVerifications returns how many verifications of a service were created at or after
	// since, and how many of those were approved.
	CountVerifications(ctx context.Context, serviceSID string, since time.Time) (created, approved int, err error)
	// AddAudit writes an audit event as it is: a verification's events go to its project.
	AddAudit(ctx context.Context, e AuditEvent) error
}
