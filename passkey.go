package phonegate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

// Passkeys (WebAuthn) through github.com/go-webauthn/webauthn. The
// relying party is the gate: its ID is PUBLIC_URL's host, or the cookie
// domain where one is set, and the one origin a ceremony may come from is
// PUBLIC_URL's. A ceremony's challenge (the library's session data) waits
// in the store, bound to the session that asked, for PasskeyChallengeLife,
// and the browser's answer takes it once.
const (
	PasskeyChallengeLife = 5 * time.Minute
	MaxPasskeys          = 10 // per user
	MaxPasskeyName       = 40 // characters

	// Kinds of passkey challenge.
	PasskeyRegistration = "registration"
	PasskeyLogin        = "login"
)

// What the pages say about passkeys.
const (
	msgPasskeysOff      = "Passkeys need this server to be reached by a name (PUBLIC_URL's host), not by an IP address."
	msgPasskeyName      = "Give the passkey a name of 1 to 40 characters, such as “Laptop” or “Phone”, to tell it apart later."
	msgPasskeyTooMany   = "You have 10 passkeys already: remove one first to add another."
	msgPasskeyExpired   = "The passkey request ran out or was used already. Try again."
	msgPasskeyNotSaved  = "The passkey could not be added: the browser's answer did not check out. Try again."
	msgPasskeyHaveOne   = "That passkey is on your account already."
	msgPasskeyRefused   = "That passkey was not accepted. Try again, or use another way below."
	msgPasskeyNone      = "You have no passkey: use another way below."
	msgPasskeyNeedPhone = "Verify a phone first: a passkey comes beside it."
)

// errPasskeyRefused is the one answer for a passkey that did not pass:
// a bad signature, a counter gone back, or a refusal by the lock's count.
var errPasskeyRefused = &Error{Code: EInvalid, Message: msgPasskeyRefused, Cause: ErrCodeRefused}

// passkeyParty returns the relying party of a gate at public whose session
// cookie is shared with cookieDomain ("" for none); nil when its ID would
// be an IP address, which no browser accepts: passkeys are off then.
func passkeyParty(public *url.URL, cookieDomain string) *webauthn.WebAuthn {
	id := cookieDomain
	if id == "" {
		id = strings.ToLower(public.Hostname())
	}
	if protocol.ValidateRPID(id) != nil {
		return nil
	}
	w, err := webauthn.New(&webauthn.Config{
		RPID:          id,
		RPDisplayName: "phonegate",
		RPOrigins:     []string{public.Scheme + "://" + public.Host},
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			ResidentKey:      protocol.ResidentKeyRequirementPreferred,
			UserVerification: protocol.VerificationPreferred,
		},
		AttestationPreference: protocol.PreferNoAttestation,
	})
	if err != nil {
		return nil
	}
	return w
}

// PasskeysOn reports whether passkeys can be used with this gate: its
// relying-party ID is a domain name (a browser refuses an IP address).
func (s *Service) PasskeysOn() bool { return s.passkeys != nil }

// PasskeyRPID returns the relying-party ID passkeys are made for; "" when
// passkeys are off.
func (s *Service) PasskeyRPID() string {
	if s.passkeys == nil {
		return ""
	}
	return s.passkeys.Config.RPID
}

// passkeyUser is a user as the library sees them, with their passkeys.
type passkeyUser struct {
	u     User
	creds []webauthn.Credential
	ids   []int64 // the factor ID of each credential
}

// WebAuthnID is the user handle: the user's ID, which names no person.
func (p *passkeyUser) WebAuthnID() []byte { return []byte(strconv.FormatInt(p.u.ID, 10)) }

// WebAuthnName is the account's email.
func (p *passkeyUser) WebAuthnName() string { return p.u.Email }

// WebAuthnDisplayName is the account's email too: accounts have no other name.
func (p *passkeyUser) WebAuthnDisplayName() string { return p.u.Email }

// WebAuthnCredentials are the user's passkeys.
func (p *passkeyUser) WebAuthnCredentials() []webauthn.Credential { return p.creds }

// passkeysOf reads user u's confirmed passkeys, their credentials opened.
func (s *Service) passkeysOf(ctx context.Context, u User) (*passkeyUser, []Factor, error) {
	fs, err := s.store.Factors(ctx, u.ID)
	if err != nil {
		return nil, nil, err
	}
	p := &passkeyUser{u: u}
	var keys []Factor
	for _, f := range fs {
		if f.Kind != FactorPasskey || !f.Confirmed() {
			continue
		}
		c, err := s.openCredential(u, f)
		if err != nil {
			return nil, nil, err
		}
		p.creds, p.ids, keys = append(p.creds, c), append(p.ids, f.ID), append(keys, f)
	}
	return p, keys, nil
}

// openCredential opens passkey f's sealed credential, with the stored
// sign count.
func (s *Service) openCredential(u User, f Factor) (webauthn.Credential, error) {
	var c webauthn.Credential
	raw, err := s.keys.Open(factorLabel(FactorPasskey, u.ID), f.Secret)
	if err != nil {
		return c, fmt.Errorf("passkey %d: %w", f.ID, err)
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return c, fmt.Errorf("passkey %d: %w", f.ID, err)
	}
	c.Authenticator.SignCount = uint32(f.Counter)
	return c, nil
}

// registration is what a registration's challenge keeps: the name the
// user chose and the library's session data.
type registration struct {
	Name    string               `json:"name"`
	Session webauthn.SessionData `json:"session"`
}

// checkPasskeyName returns name trimmed, or an *Error that says what a
// passkey's name must be.
func checkPasskeyName(name string) (string, error) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	if n == 0 || n > MaxPasskeyName || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", &Error{Code: EInvalid, Message: msgPasskeyName}
	}
	return name, nil
}

// BeginPasskey starts adding a passkey named name for user u, who proved
// their password again in session sess: it returns the options for the
// browser's navigator.credentials.create, as JSON, and keeps their
// challenge for that session. The phone stays the anchor: a passkey comes
// only beside a verified phone.
func (s *Service) BeginPasskey(ctx context.Context, u User, sess Session, name string) ([]byte, error) {
	if s.passkeys == nil {
		return nil, &Error{Code: EConflict, Message: msgPasskeysOff}
	}
	if !u.PhoneVerified {
		return nil, &Error{Code: EConflict, Message: msgPasskeyNeedPhone}
	}
	name, err := checkPasskeyName(name)
	if err != nil {
		return nil, err
	}
	p, _, err := s.passkeysOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(p.creds) >= MaxPasskeys {
		return nil, &Error{Code: EConflict, Message: msgPasskeyTooMany}
	}
	creation, data, err := s.passkeys.BeginRegistration(p, webauthn.WithExclusions(webauthn.Credentials(p.creds).CredentialDescriptors()))
	if err != nil {
		return nil, fmt.Errorf("passkey registration: %w", err)
	}
	if err := s.keepPasskeyChallenge(ctx, sess, PasskeyRegistration, registration{Name: name, Session: *data}); err != nil {
		return nil, err
	}
	return json.Marshal(creation)
}

// FinishPasskey checks the browser's answer to session sess's passkey
// registration (the PublicKeyCredential as JSON) and adds the passkey it
// made, under the name given to BeginPasskey. An answer that does not
// check out adds nothing; it counts toward no lock, since the session
// passed its second factor already.
func (s *Service) FinishPasskey(ctx context.Context, u User, sess Session, answer []byte) (Factor, error) {
	if s.passkeys == nil {
		return Factor{}, &Error{Code: EConflict, Message: msgPasskeysOff}
	}
	var reg registration
	if err := s.takePasskeyChallenge(ctx, sess, PasskeyRegistration, &reg); err != nil {
		return Factor{}, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(answer)
	if err != nil {
		return Factor{}, &Error{Code: EInvalid, Message: msgPasskeyNotSaved, Cause: err}
	}
	p, _, err := s.passkeysOf(ctx, u)
	if err != nil {
		return Factor{}, err
	}
	cred, err := s.passkeys.CreateCredential(p, reg.Session, parsed)
	if err != nil {
		s.log.Info().Int64("user", u.ID).Err(err).Msg("passkey registration refused")
		return Factor{}, &Error{Code: EInvalid, Message: msgPasskeyNotSaved, Cause: err}
	}
	for _, c := range p.creds {
		if bytes.Equal(c.ID, cred.ID) {
			return Factor{}, &Error{Code: EConflict, Message: msgPasskeyHaveOne}
		}
	}
	if len(p.creds) >= MaxPasskeys {
		return Factor{}, &Error{Code: EConflict, Message: msgPasskeyTooMany}
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return Factor{}, err
	}
	f := Factor{UserID: u.ID, Kind: FactorPasskey, Name: reg.Name, Secret: s.keys.Seal(factorLabel(FactorPasskey, u.ID), string(raw))}
	if f, err = s.store.AddFactor(ctx, f, s.now()); err != nil {
		return Factor{}, err
	}
	if err := s.store.ConfirmFactor(ctx, u.ID, f.ID, int64(cred.Authenticator.SignCount), s.now()); err != nil {
		return Factor{}, err
	}
	s.log.Info().Int64("user", u.ID).Int64("factor", f.ID).Msg("passkey added")
	s.notify(ctx, NoticeFactorAdded, u, Notice{Link: s.publicURL("/account"), Factor: factorTitle(f)})
	return f, nil
}

// keepPasskeyChallenge keeps v, a ceremony's state, as session sess's
// challenge of kind for PasskeyChallengeLife.
func (s *Service) keepPasskeyChallenge(ctx context.Context, sess Session, kind string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.store.KeepPasskeyChallenge(ctx, PasskeyChallenge{SessionHash: sess.TokenHash, Kind: kind, Data: data,
		ExpiresAt: s.now().Add(PasskeyChallengeLife)})
}

// takePasskeyChallenge takes session sess's challenge of kind into v; an
// *Error that asks to try again when there is none (used, expired, or
// another session's).
func (s *Service) takePasskeyChallenge(ctx context.Context, sess Session, kind string, v any) error {
	c, err := s.store.TakePasskeyChallenge(ctx, sess.TokenHash, kind, s.now())
	if errors.Is(err, ErrNotFound) {
		return &Error{Code: EInvalid, Message: msgPasskeyExpired, Cause: ErrCodeRefused}
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(c.Data, v); err != nil {
		return fmt.Errorf("passkey challenge: %w", err)
	}
	return nil
}
