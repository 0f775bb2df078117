package phonegate

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// APIKey is a credential of a project's Verify API (DESIGN §8): its SID
// ("SK" and 32 hex digits) is the HTTP Basic username, its secret the
// password. The secret is shown once, when the key is made; the store
// keeps only its keyed hash (Keys.APIKeyMAC).
type APIKey struct {
	SID        string
	ProjectID  int64
	Name       string
	SecretMAC  []byte
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: live
	AccountSID string    // the project's account SID, filled when read
}

// Revoked reports whether the key was revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// NewAPIKey is a key as made: its record and the secret, shown once.
type NewAPIKey struct {
	APIKey
	Secret string
}

// SID prefixes of the Verify API's records, as Twilio spells them.
const (
	PrefixAccount       = "AC"
	PrefixAPIKey        = "SK"
	PrefixVerifyService = "VA"
)

// MaxAPIKeyName is the longest name of an API key, in characters.
const MaxAPIKeyName = 64

// newSID returns prefix and 32 lower-case hex digits (128 random bits),
// the shape of Twilio's SIDs.
func (s *Service) newSID(prefix string) string {
	b := make([]byte, 16)
	mustRead(s.rand, b)
	return prefix + hex.EncodeToString(b)
}

// IsSID reports whether sid is prefix followed by 32 hex digits.
func IsSID(sid, prefix string) bool {
	if len(sid) != len(prefix)+32 || !strings.HasPrefix(sid, prefix) {
		return false
	}
	_, err := hex.DecodeString(strings.ToLower(sid[len(prefix):]))
	return err == nil
}

// newAPISecret returns an API key's secret: 32 random bytes in hex, only
// letters and digits, the only credentials twilio-go will send.
func (s *Service) newAPISecret() string {
	b := make([]byte, 32)
	mustRead(s.rand, b)
	return hex.EncodeToString(b)
}

// APIKeyMAC is what the store keeps of an API key's secret:
// HMAC-SHA256 under a key derived from the server key. A secret carries
// 256 random bits, so no slow hash is needed to keep it from guessing; the
// server key keeps a stolen database from checking candidates at all.
func (k *Keys) APIKeyMAC(secret string) []byte {
	m := hmac.New(sha256.New, k.apiKeyMAC)
	m.Write([]byte(secret))
	return m.Sum(nil)
}

// AccountSID returns the account SID of project p, made the first time it
// is asked for and stable from then on.
func (s *Service) AccountSID(ctx context.Context, p Project) (string, error) {
	return s.store.AccountSID(ctx, p.ID, s.newSID(PrefixAccount))
}

// apiKeyName checks the name typed for a new key.
func apiKeyName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" || utf8.RuneCountInString(n) > MaxAPIKeyName || !CleanText(n) {
		return "", Errorf(EInvalid, "Name the key (at most %d characters), for example after the app that uses it.", MaxAPIKeyName)
	}
	return n, nil
}

// CreateAPIKey makes an API key named name for the project of m, which u
// manages (else ErrNotManager), from the elevated session sess (else
// ErrNotElevated), audited; the secret is in the answer and nowhere else.
func (s *Service) CreateAPIKey(ctx context.Context, m Membership, u User, sess Session, name string) (NewAPIKey, error) {
	if !CanManage(m.Role) {
		return NewAPIKey{}, ErrNotManager
	}
	if !s.Elevated(sess) {
		return NewAPIKey{}, ErrNotElevated
	}
	return s.createAPIKey(ctx, m.Project, name, u.ID)
}

// createAPIKey makes an API key of project p, by actorID (0 for the
// operator).
func (s *Service) createAPIKey(ctx context.Context, p Project, name string, actorID int64) (NewAPIKey, error) {
	n, err := apiKeyName(name)
	if err != nil {
		return NewAPIKey{}, err
	}
	account, err := s.AccountSID(ctx, p)
	if err != nil {
		return NewAPIKey{}, err
	}
	secret := s.newAPISecret()
	k := APIKey{SID: s.newSID(PrefixAPIKey), ProjectID: p.ID, Name: n, SecretMAC: s.keys.APIKeyMAC(secret),
		CreatedAt: s.now(), AccountSID: account}
	if err := s.store.AddAPIKey(ctx, k, actorID, k.CreatedAt); err != nil {
		return NewAPIKey{}, err
	}
	s.log.Info().Int64("project", p.ID).Str("key", k.SID).Msg("api key created")
	return NewAPIKey{APIKey: k, Secret: secret}, nil
}

// RevokeAPIKey revokes the key sid of the project of m under the rules of
// CreateAPIKey; a key that is not the project's live one is ErrNotFound.
func (s *Service) RevokeAPIKey(ctx context.Context, m Membership, u User, sess Session, sid string) error {
	if !CanManage(m.Role) {
		return ErrNotManager
	}
	if !s.Elevated(sess) {
		return ErrNotElevated
	}
	return s.revokeAPIKey(ctx, m.Project.ID, sid, u.ID)
}

// revokeAPIKey revokes the key sid of projectID, by actorID.
func (s *Service) revokeAPIKey(ctx context.Context, projectID int64, sid string, actorID int64) error {
	if !IsSID(sid, PrefixAPIKey) {
		return ErrNotFound
	}
	if err := s.store.RevokeAPIKey(ctx, projectID, sid, actorID, s.now()); err != nil {
		return err
	}
	s.log.Info().Int64("project", projectID).Str("key", sid).Msg("api key revoked")
	return nil
}

// APIKeys returns the live API keys of project p, newest first.
func (s *Service) APIKeys(ctx context.Context, p Project) ([]APIKey, error) {
	return s.store.APIKeys(ctx, p.ID)
}
