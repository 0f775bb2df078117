package phonegate

import (
	"context"
	"crypto/subtle"
	"time"
)

// APIPrincipal is who a Verify API request speaks for: the project of the
// API key whose secret it carried.
type APIPrincipal struct {
	ProjectID  int64
	AccountSID string
	KeySID     string
}

// The limits of failed Verify API authentications: per username (a key's
// or an account's SID, as typed) and per client address. Past either, a
// request is refused before its secret is checked, the right one too, as
// a login past its account's limit is: the limit is what stops a guesser,
// and a secret of 256 random bits leaves an app nothing to gain by it.
const (
	APIAuthKeyLimit   = 100
	APIAuthKeyWindow  = time.Hour
	APIAuthAddrLimit  = 50
	APIAuthAddrWindow = 15 * time.Minute
)

// apiKeyTouchEvery is how stale a key's last use may get: a key used
// again within it is not written, so that no request writes only for the
// record.
const apiKeyTouchEvery = time.Minute

// ErrAPIAuth is a Verify API request whose credentials are not a live
// key's (or its account's) with its secret.
var ErrAPIAuth = &Error{Code: EForbidden, Message: "Authenticate"}

// APIAuthFailKey counts the failed authentications of one username.
func APIAuthFailKey(username string) string { return "api-auth-fail:" + username }

// AuthenticateAPI checks the HTTP Basic credentials of a Verify API
// request from the client address addr (as the rate limits spell it):
// username is an API key's SID with its secret, or the project's account
// SID with the secret of any of the project's live keys (twilio-go sends
// the account SID when it is given no key). Failures answer ErrAPIAuth and
// count toward the limits of the username and the address; past either, a
// *LimitedError. A key's last use is written at most once a minute.
func (s *Service) AuthenticateAPI(ctx context.Context, username, secret, addr string) (APIPrincipal, error) {
	now := s.now()
	keyed := IsSID(username, PrefixAPIKey) || IsSID(username, PrefixAccount)
	if err := s.apiAuthLimited(ctx, username, keyed, addr, now); err != nil {
		return APIPrincipal{}, err
	}
	var k APIKey
	var err error
	if keyed && secret != "" {
		k, err = s.store.APIKeyBySecret(ctx, s.keys.APIKeyMAC(secret))
	}
	if !keyed || secret == "" || err != nil || k.Revoked() || !apiUserMatches(k, username) {
		if err != nil && ErrorCode(err) != ENotFound {
			return APIPrincipal{}, err
		}
		return APIPrincipal{}, s.apiAuthFailed(ctx, username, keyed, addr, now)
	}
	if now.Sub(k.LastUsedAt) >= apiKeyTouchEvery {
		if err := s.store.TouchAPIKey(ctx, k.SID, now); err != nil {
			s.log.Warn().Err(err).Str("key", k.SID).Msg("touch api key")
		}
	}
	return APIPrincipal{ProjectID: k.ProjectID, AccountSID: k.AccountSID, KeySID: k.SID}, nil
}

// apiUserMatches reports whether username names key k: its own SID or its
// project's account SID.
func apiUserMatches(k APIKey, username string) bool {
	return subtle.ConstantTimeCompare([]byte(k.SID), []byte(username)) == 1 ||
		subtle.ConstantTimeCompare([]byte(k.AccountSID), []byte(username)) == 1
}

// apiLimit is one limit of failed authentications.
type apiLimit struct {
	key    string
	limit  int
	window time.Duration
}

// apiAuthLimits are the limits a request counts toward: its address's,
// and its username's when that has the shape of a SID (other names are not
// counted on their own).
func apiAuthLimits(username string, keyed bool, addr string) []apiLimit {
	ls := []apiLimit{{AddrLimitKey("api-auth", addr), APIAuthAddrLimit, APIAuthAddrWindow}}
	if keyed {
		ls = append(ls, apiLimit{APIAuthFailKey(username), APIAuthKeyLimit, APIAuthKeyWindow})
	}
	return ls
}

// apiAuthLimited refuses a request whose username or address has failed
// too often, with a *LimitedError.
func (s *Service) apiAuthLimited(ctx context.Context, username string, keyed bool, addr string, now time.Time) error {
	for _, l := range apiAuthLimits(username, keyed, addr) {
		n, err := s.store.CountEvents(ctx, l.key, now.Add(-l.window))
		if err != nil {
			return err
		}
		if n >= l.limit {
			s.log.Warn().Str("addr", addr).Str("limit", l.key).Msg("api authentication throttled")
			return &LimitedError{Key: l.key, RetryAt: now.Add(l.window)}
		}
	}
	return nil
}

// apiAuthFailed counts a failed authentication toward its limits and
// answers ErrAPIAuth.
func (s *Service) apiAuthFailed(ctx context.Context, username string, keyed bool, addr string, now time.Time) error {
	for _, l := range apiAuthLimits(username, keyed, addr) {
		if err := s.store.AddEvent(ctx, l.key, now); err != nil {
			return err
		}
	}
	s.log.Info().Str("addr", addr).Bool("sid_shaped", keyed).Msg("api authentication failed")
	return ErrAPIAuth
}
