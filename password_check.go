package phonegate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// The limits of failed password checks: per account, and per device for a
// browser with a valid device cookie of the account, so that a flood of
// wrong passwords cannot lock the owner out of the computer they always
// use. A device past its own limit counts toward the account's.
const (
	LoginFailLimit   = 100
	LoginFailWindow  = time.Hour
	DeviceFailLimit  = 10
	DeviceFailWindow = time.Hour
)

// maxPasswordInput bounds what is normalized and hashed of a typed
// password: a password may be 128 code points once normalized, and typed
// decomposed it may take several times the bytes; anything longer cannot
// match.
const maxPasswordInput = 16 * MaxPasswordLen

// PasswordAsker is who typed a password, as the way in knows them.
type PasswordAsker struct {
	// DeviceUser and DeviceNonce are the account and nonce of the asker's
	// valid device cookie; 0 and "" for none.
	DeviceUser  int64
	DeviceNonce string
	// Self is the ID of the logged-in user typing their own password
	// again, 0 at login.
	Self int64
	Addr string // the client address, for the audit and the logs
}

// throttle is the failure limit a password check counts toward.
type throttle struct {
	key      string
	limit    int
	window   time.Duration
	priority Priority
	device   bool // the asker's device cookie is the account's
}

// throttleFor returns the limit a password check of u by a counts toward:
// the device's own when a has a valid device cookie for u whose limit is
// not reached, with the authenticated priority of the hash queue; else the
// account-wide one, with the authenticated priority only for the logged-in
// user's own re-check.
func (s *Service) throttleFor(ctx context.Context, u User, a PasswordAsker, now time.Time) (throttle, error) {
	if u.ID != 0 && a.DeviceUser == u.ID {
		key := DeviceFailKey(a.DeviceNonce)
		n, err := s.store.CountEvents(ctx, key, now.Add(-DeviceFailWindow))
		if err != nil {
			return throttle{}, err
		}
		if n < DeviceFailLimit {
			return throttle{key: key, limit: DeviceFailLimit, window: DeviceFailWindow,
				priority: Authenticated, device: true}, nil
		}
	}
	th := throttle{key: FailedLoginKey(u.ID), limit: LoginFailLimit, window: LoginFailWindow}
	if u.ID != 0 && a.Self == u.ID {
		th.priority = Authenticated
	}
	return th, nil
}

// CheckLogin verifies email and password at login (CheckPassword). An
// unknown email still runs a hash, as anonymous work, and is logged by a
// hash of the email rather than the email itself.
func (s *Service) CheckLogin(ctx context.Context, email, password string, a PasswordAsker) (User, bool, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return User{}, false, err
	}
	ok, err := s.CheckPassword(ctx, u, password, a)
	if err != nil || !ok {
		if err == nil && u.ID == 0 {
			s.log.Info().Str("email_sha256", emailDigest(email)).Str("addr", a.Addr).Msg("login failed: unknown email")
		}
		return User{}, false, err
	}
	return u, true, nil
}

// CheckPassword checks password against u's hash, within the limit of
// failures of its throttle (the account's, or the device's when the asker
// has a valid device cookie for u). The hash always runs, for an unknown
// user (u.ID == 0) and a throttled account too, so that timing tells
// neither apart. A failure is counted by the statement that checks the
// limit (Store.RecordFailedLogin), so that concurrent guesses cannot record
// more than the limit, and is audited. A right password is refused once
// the limit is reached; a hash made with old parameters, or of the
// password before NFKC normalization, is redone.
func (s *Service) CheckPassword(ctx context.Context, u User, password string, a PasswordAsker) (bool, error) {
	now := s.now()
	th, err := s.throttleFor(ctx, u, a, now)
	if err != nil {
		return false, err
	}
	if th.priority == Authenticated {
		ctx = WithPriority(ctx, Authenticated)
	}
	normal, ok, rehash, err := s.matchPassword(ctx, password, u.PasswordHash)
	if err != nil {
		return false, err
	}
	if u.ID == 0 {
		return false, nil
	}
	if ok {
		fails, err := s.store.CountEvents(ctx, th.key, now.Add(-th.window))
		if err != nil {
			return false, err
		}
		ok = fails < th.limit
	}
	if !ok {
		throttled, err := s.store.RecordFailedLogin(ctx, FailedLogin{UserID: u.ID, Key: th.key, Limit: th.limit,
			Since: now.Add(-th.window), Addr: a.Addr, At: now})
		if err != nil {
			return false, err
		}
		ev := s.log.Info()
		if throttled {
			ev = s.log.Warn()
		}
		ev.Int64("user", u.ID).Str("addr", a.Addr).Bool("device", th.device).Bool("throttled", throttled).
			Msg("login failed")
		return false, nil
	}
	if rehash {
		if h, err := s.hasher.Hash(ctx, normal); err == nil {
			if err := s.store.SetPasswordHash(ctx, u.ID, h); err != nil {
				s.log.Warn().Err(err).Msg("rehash password")
			}
		}
	}
	return true, nil
}

// matchPassword checks a typed password against phc after NFKC
// normalization and returns the normalized form. A hash made before
// passwords were normalized is matched by the password as typed when that
// differs; it is then reported for a rehash, of the normalized form.
func (s *Service) matchPassword(ctx context.Context, password, phc string) (normal string, ok, rehash bool, err error) {
	if len(password) > maxPasswordInput {
		password = password[:maxPasswordInput] // bounds the work; cannot match anyway
	}
	normal = NormalizePassword(password)
	ok, rehash, err = s.hasher.Verify(ctx, normal, phc)
	if err != nil || ok || normal == password || phc == "" {
		return normal, ok, rehash, err
	}
	ok, _, err = s.hasher.Verify(ctx, password, phc)
	return normal, ok, ok, err
}

// emailDigest names an email in the logs without writing it: the first
// 8 bytes of its SHA-256, lower case, enough to tell one from another
// across log lines.
func emailDigest(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:8])
}
