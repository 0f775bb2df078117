package phonegate

import (
	"context"
	"time"
)

// A factor is a way to pass the second factor other than a code sent to
// the phone: an authenticator app or a passkey. The phone stays the
// anchor (the seed's flow is unchanged); a factor is added on the account
// page, after the password again, and may then be used at the code page
// instead of the code. Each kind is a kind of the same record, checked by
// the service and stored by the same store methods.

// Kinds of factor.
const (
	FactorTOTP    = "totp"    // an authenticator app (RFC 6238)
	FactorPasskey = "passkey" // a passkey (WebAuthn)
)

// Factor is one second factor of a user beside the phone.
type Factor struct {
	ID     int64
	UserID int64
	Kind   string // FactorTOTP or FactorPasskey
	Name   string // what the account page calls it
	// Secret is what the factor is checked against, sealed with the
	// server key (Keys.Seal, label factorLabel): a TOTP secret, or a
	// passkey's credential (its ID, public key and flags, as JSON).
	Secret []byte
	// Counter only grows: for an app, the last time step whose code was
	// accepted, so that a code works once; for a passkey, the
	// authenticator's last sign count (zero for one that keeps none).
	Counter     int64
	CreatedAt   time.Time
	ConfirmedAt time.Time // zero until a first code confirmed the factor
	LastUsedAt  time.Time // zero until it passed a login
	// Preferred says the factor is what the user last confirmed or passed
	// the second factor with: the code page offers it first.
	Preferred bool
}

// Confirmed reports whether the factor counts: a first code confirmed it.
func (f Factor) Confirmed() bool { return !f.ConfirmedAt.IsZero() }

// FactorsStore keeps the second factors beside the phone (factors.go).
type FactorsStore interface {
	// AddFactor stores f unconfirmed and returns it with its ID; the
	// user's earlier unconfirmed factors of its kind go.
	AddFactor(ctx context.Context, f Factor, now time.Time) (Factor, error)
	// Factors lists a user's factors, confirmed or not, oldest first.
	Factors(ctx context.Context, userID int64) ([]Factor, error)
	// ConfirmFactor makes the user's unconfirmed factor id count, with
	// counter as its counter, and audits it; ErrNotFound when the user
	// has no such unconfirmed factor.
	ConfirmFactor(ctx context.Context, userID, id, counter int64, now time.Time) error
	// TakeFactorCheck takes one second-factor attempt of the user, as
	// TakeCheck does for a code, and returns the confirmed factor id to
	// compare with, in one transaction; ErrCodeRefused when the user is
	// locked, ErrNotFound when there is no such confirmed factor (then
	// nothing is counted). A wrong answer then goes to FailSecondFactor.
	TakeFactorCheck(ctx context.Context, userID, id int64, now time.Time) (Factor, error)
	// UseFactor records a pass by factor id, whose checked counter is
	// counter, and audits it with detail: only if counter is above the
	// stored one, so that of concurrent passes with the same code exactly
	// one wins (the others get ErrCodeRefused), or both are zero (a
	// passkey whose authenticator keeps no sign count: its single-use
	// challenge stops a replay); the user's failure count and lock are
	// cleared as by PassChallenge.
	UseFactor(ctx context.Context, userID, id, counter int64, detail string, now time.Time) error
	// RemoveFactor deletes the user's factor id and audits it; ErrNotFound
	// when the user has none by that ID.
	RemoveFactor(ctx context.Context, userID, id int64, now time.Time) error
}

// PasskeyChallengesStore keeps the challenges of passkey ceremonies (the
// WebAuthn session data) between the options a page asks for and the
// browser's answer (passkey.go).
type PasskeyChallengesStore interface {
	// KeepPasskeyChallenge stores c for its session and kind, replacing an
	// earlier one of that session and kind.
	KeepPasskeyChallenge(ctx context.Context, c PasskeyChallenge) error
	// TakePasskeyChallenge returns the session's challenge of kind and
	// deletes it in the same statement, so that it is used at most once;
	// ErrNotFound when there is none, or when it expired by now (it goes
	// all the same).
	TakePasskeyChallenge(ctx context.Context, sessionHash []byte, kind string, now time.Time) (PasskeyChallenge, error)
}

// PasskeyChallenge is one passkey ceremony's challenge, bound to the
// session that asked for it.
type PasskeyChallenge struct {
	SessionHash []byte
	Kind        string // PasskeyRegistration or PasskeyLogin
	Data        []byte // the ceremony's state, as the service wrote it (JSON)
	ExpiresAt   time.Time
}

// passFactor finishes a second factor that passed (Store.UseFactor has
// recorded it): the user as stored now, and whether the computer may be
// trusted, which the levels decide as after a code; the gate's answer
// holds before the session is renewed.
func (s *Service) passFactor(ctx context.Context, u User, sess Session, trustToken string) (Passed, error) {
	u, err := s.store.User(ctx, u.ID)
	if err != nil {
		return Passed{}, err
	}
	g, err := s.Gate(ctx, u, sess, trustToken)
	if err != nil {
		return Passed{}, err
	}
	return Passed{User: u, Trust: g.Trustable}, nil
}

// failFactor records an answer of a factor that did not pass, with detail
// for the audit log, toward the lock, and returns refusal. The attempt of
// an answer that was compared was taken by Store.TakeFactorCheck; one that
// could not be (an unreadable passkey answer, or one naming a credential
// the user does not have) is audited without one, since nothing was
// compared.
func (s *Service) failFactor(ctx context.Context, u User, sess Session, refusal error, detail string) error {
	f, err := s.store.FailSecondFactor(ctx, u.ID, "", detail, s.now())
	if err != nil {
		return err
	}
	s.log.Info().Int64("user", u.ID).Bool("locked", f.Locked).Msg(detail)
	s.noteLock(f)
	s.noteFailedCode(ctx, u, sess)
	return refusal
}
