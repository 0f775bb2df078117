package phonegate

import (
	"time"
)

// Keys of the per-client-address limits: what is attempted, and from
// which address (as handlers' clientAddr spells it).
func AddrLimitKey(what, addr string) string { return "addr:" + what + ":" + addr }

// DeviceFailKey counts the failed logins of one device cookie, named by
// its random nonce (hex), apart from the account-wide FailedLoginKey.
func DeviceFailKey(nonce string) string { return "login-fail-device:" + nonce }

// LimitedError is an attempt refused by a limit. It wraps ErrLimited and
// says when the oldest attempt counted leaves the window, which is when
// the next one may be made.
type LimitedError struct {
	Key     string
	RetryAt time.Time
}

func (e *LimitedError) Error() string { return "store: " + e.Key + ": " + ErrLimited.Error() }

func (e *LimitedError) Unwrap() error { return ErrLimited }

// FailedLogin is a failed login of a known account.
type FailedLogin struct {
	UserID int64
	Key    string // the throttle it counts toward: FailedLoginKey or DeviceFailKey
	Limit  int
	Since  time.Time
	Addr   string // the client address, for the audit log
	At     time.Time
}
