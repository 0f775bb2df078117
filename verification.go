package phonegate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// A verification of the Verify v2 API (DESIGN §8) is a challenge of
// PurposeVerify: it has no user and no session, and belongs to a Verify
// service of a project. Being a challenge, it is sent through the same
// deliveries, send limits, status callbacks, voice call and inbound
// STOP/NO as a login's code; only its status is named as Verify names it.

// Verification statuses, as Verify v2 names them.
const (
	VerificationPending     = "pending"
	VerificationApproved    = "approved"
	VerificationCanceled    = "canceled"
	VerificationMaxAttempts = "max_attempts_reached"
	VerificationExpired     = "expired"
)

// Why the Verify API refuses a verification, beside the phone's and the
// Sender's reasons (ErrPhoneInvalid, ErrOptedOut, ...) and a
// *SendLimitError.
var (
	ErrVerifyChannel   = errors.New("channel is not supported: use sms or call")
	ErrVerifyMaxChecks = errors.New("max check attempts reached")
	ErrVerifyCode      = errors.New("a code is required")
	ErrVerifyTarget    = errors.New("either To or VerificationSid is required")
	ErrVerifyStatus    = errors.New("status must be canceled or approved")
)

// Verification is a challenge of PurposeVerify as the Verify API shows it.
type Verification struct {
	Challenge
	Status   string     // VerificationPending, VerificationApproved, ...
	Channel  string     // the channel of the newest send
	Attempts []Delivery // its sends, oldest first
}

// Valid reports whether the verification was approved.
func (v Verification) Valid() bool { return v.Status == VerificationApproved }

// VerificationStatus names the state of verification c at now as Verify
// does: a used challenge was approved, one killed by MaxChecks wrong codes
// reached its attempts, and one past its life expired.
func VerificationStatus(c Challenge, now time.Time) string {
	switch {
	case c.State == ChallengeUsed:
		return VerificationApproved
	case c.State == ChallengeCancelled:
		return VerificationCanceled
	case c.Checks >= MaxChecks && c.State == ChallengeDead:
		return VerificationMaxAttempts
	case c.State == ChallengePending && now.Before(c.ExpiresAt):
		return VerificationPending
	default:
		return VerificationExpired
	}
}

// PrefixVerification begins the SID of a verification.
const PrefixVerification = "VE"

// IsVerificationSID reports whether sid looks like a verification's SID:
// VE and 32 hex digits.
func IsVerificationSID(sid string) bool { return IsSID(sid, PrefixVerification) }

// AttemptSID is the SID the Verify API shows for a send of a
// verification (VL…): derived from the delivery's ID, which travels in
// webhook URLs and so is not shown as it is.
func AttemptSID(d Delivery) string {
	sum := sha256.Sum256([]byte("attempt " + d.ID))
	return "VL" + hex.EncodeToString(sum[:16])
}

// verificationSessionHash stands in the session's place for a
// verification: its own, so that the per-session cap counts the sends of
// one verification and nothing else shares it.
func verificationSessionHash(id string) []byte {
	sum := sha256.Sum256([]byte("verification " + id))
	return sum[:]
}
