package phonegate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// HasPasskey reports whether user u has a confirmed passkey, and whether
// one passed their last second factor (the code page offers it first then).
func (s *Service) HasPasskey(ctx context.Context, u User) (has, preferred bool, err error) {
	if s.passkeys == nil {
		return false, false, nil
	}
	fs, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return false, false, err
	}
	for _, f := range fs {
		if f.Kind == FactorPasskey && f.Confirmed() {
			has, preferred = true, preferred || f.Preferred
		}
	}
	return has, preferred, nil
}

// BeginPasskeyLogin returns the options for the browser's
// navigator.credentials.get, as JSON, for user u to pass the second factor
// with one of their passkeys in session sess, user verification preferred;
// their challenge is kept for that session. Nothing is counted yet.
func (s *Service) BeginPasskeyLogin(ctx context.Context, u User, sess Session) ([]byte, error) {
	if s.passkeys == nil {
		return nil, &Error{Code: EConflict, Message: msgPasskeysOff}
	}
	if s.Locked(u) {
		return nil, ErrCodeRefused
	}
	p, _, err := s.passkeysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(p.creds) == 0 {
		return nil, &Error{Code: EInvalid, Message: msgPasskeyNone}
	}
	assertion, data, err := s.passkeys.BeginLogin(p, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, fmt.Errorf("passkey login: %w", err)
	}
	if err := s.keepPasskeyChallenge(ctx, sess, PasskeyLogin, data); err != nil {
		return nil, err
	}
	return json.Marshal(assertion)
}

// UsePasskey accepts the browser's answer (the PublicKeyCredential as
// JSON) to session sess's passkey login, in place of a code sent to the
// phone; trustToken is the browser's trusted-computer token, "" for none.
// The answer takes the session's challenge, once and only within its
// life. The attempt is counted toward the lock before the signature is
// checked (Store.TakeFactorCheck); a bad signature, or a sign counter that
// did not move forward (when it is not zero both in the answer and as
// stored: a cloned authenticator), is refused and counts as a wrong code
// does; an answer naming no passkey of the user is refused and audited.
// The caller renews the session with the second factor passed now,
// and trusts the computer when Passed.Trust says so.
//
// It returns ErrCodeRefused, with words to show (an *Error) unless the
// lock holds, when the passkey did not pass.
func (s *Service) UsePasskey(ctx context.Context, u User, sess Session, trustToken string, answer []byte) (Passed, error) {
	now := s.now()
	if s.passkeys == nil {
		return Passed{}, &Error{Code: EConflict, Message: msgPasskeysOff}
	}
	if s.Locked(u) {
		return Passed{}, ErrCodeRefused
	}
	var data webauthn.SessionData
	if err := s.takePasskeyChallenge(ctx, sess, PasskeyLogin, &data); err != nil {
		return Passed{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(answer)
	if err != nil {
		return Passed{}, s.failFactor(ctx, u, sess, errPasskeyRefused, "passkey answer unreadable")
	}
	p, keys, err := s.passkeysOf(ctx, u)
	if err != nil {
		return Passed{}, err
	}
	i := -1
	for j, c := range p.creds {
		if bytes.Equal(c.ID, parsed.RawID) {
			i = j
		}
	}
	if i < 0 {
		return Passed{}, s.failFactor(ctx, u, sess, errPasskeyRefused, "passkey not on the account")
	}
	f, err := s.store.TakeFactorCheck(ctx, u.ID, keys[i].ID, now)
	if errors.Is(err, ErrCodeRefused) {
		return Passed{}, errPasskeyRefused
	}
	if err != nil {
		return Passed{}, err
	}
	p.creds[i].Authenticator.SignCount = uint32(f.Counter)
	cred, err := s.passkeys.ValidateLogin(p, data, parsed)
	if err != nil {
		s.log.Info().Int64("user", u.ID).Err(err).Msg("passkey refused")
		return Passed{}, s.failFactor(ctx, u, sess, errPasskeyRefused, "passkey “"+f.Name+"” refused")
	}
	counter := int64(cred.Authenticator.SignCount)
	if cred.Authenticator.CloneWarning {
		// The library keeps the stored count when the new one is not above it.
		return Passed{}, s.failFactor(ctx, u, sess, errPasskeyRefused, fmt.Sprintf("passkey “%s” refused: its sign counter went back to %d from %d (a copied authenticator?)",
			f.Name, parsed.Response.AuthenticatorData.Counter, f.Counter))
	}
	err = s.store.UseFactor(ctx, u.ID, f.ID, counter, "passkey “"+f.Name+"” accepted", now)
	if errors.Is(err, ErrCodeRefused) {
		return Passed{}, s.failFactor(ctx, u, sess, errPasskeyRefused, "passkey “"+f.Name+"” refused: its sign counter was used already")
	}
	if err != nil {
		return Passed{}, err
	}
	s.log.Info().Int64("user", u.ID).Int64("factor", f.ID).Msg("second factor passed by passkey")
	return s.passFactor(ctx, u, sess, trustToken)
}
