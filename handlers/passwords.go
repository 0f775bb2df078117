package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

// maxPasswordInput bounds what is normalized and hashed of a typed
// password: a password may be 128 code points once normalized, and typed
// decomposed it may take several times the bytes; anything longer cannot
// match.
const maxPasswordInput = 16 * phonegate.MaxPasswordLen

// throttle is the failure limit a password check counts toward.
type throttle struct {
	key      string
	limit    int
	window   time.Duration
	priority phonegate.Priority
	device   bool // the request's device cookie is the account's
}

// loginThrottle returns the limit a password check of u from r counts
// toward: the device's own when the browser has a valid device cookie for
// u whose limit is not reached, with the authenticated priority of the
// hash queue; else the account-wide one, with the authenticated priority
// only for the logged-in user's own re-check.
func (s *Server) loginThrottle(r *http.Request, u phonegate.User, now time.Time) (throttle, error) {
	if d, ok := s.deviceFor(r, u.ID); ok {
		key := phonegate.DeviceFailKey(d.nonce)
		n, err := s.db.CountEvents(r.Context(), key, now.Add(-deviceFailWindow))
		if err != nil {
			return throttle{}, err
		}
		if n < deviceFailLimit {
			return throttle{key: key, limit: deviceFailLimit, window: deviceFailWindow,
				priority: phonegate.Authenticated, device: true}, nil
		}
	}
	th := throttle{key: phonegate.FailedLoginKey(u.ID), limit: loginFailLimit, window: loginFailWindow}
	if a := authFrom(r); a != nil && a.token != "" && u.ID != 0 && a.user.ID == u.ID {
		th.priority = phonegate.Authenticated
	}
	return th, nil
}

// matchPassword checks a typed password against phc after NFKC
// normalization and returns the normalized form. A hash made before
// passwords were normalized is matched by the password as typed when that
// differs; it is then reported for a rehash, of the normalized form.
func (s *Server) matchPassword(ctx context.Context, password, phc string) (normal string, ok, rehash bool, err error) {
	if len(password) > maxPasswordInput {
		password = password[:maxPasswordInput] // bounds the work; cannot match anyway
	}
	normal = phonegate.NormalizePassword(password)
	ok, rehash, err = s.cfg.Hasher.Verify(ctx, normal, phc)
	if err != nil || ok || normal == password || phc == "" {
		return normal, ok, rehash, err
	}
	ok, _, err = s.cfg.Hasher.Verify(ctx, password, phc)
	return normal, ok, ok, err
}

// hashPassword hashes a new password in its normalized form.
func (s *Server) hashPassword(ctx context.Context, password string) (string, error) {
	return s.cfg.Hasher.Hash(ctx, phonegate.NormalizePassword(password))
}

// emailDigest names an email in the logs without writing it: the first
// 8 bytes of its SHA-256, lower case, enough to tell one from another
// across log lines.
func emailDigest(email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(sum[:8])
}
