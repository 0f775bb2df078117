package phonegate

import (
	"fmt"
	"time"
)

// AuditEvent is one entry of a project's audit log. Detail is free text
// for people and never holds a secret.
type AuditEvent struct {
	ID         int64
	ProjectID  int64 // 0 for an event about a user outside any project
	UserID     int64 // the user the event is about; 0 if none
	ActorID    int64 // who did it; 0 for the system or Twilio
	Kind       string
	Detail     string
	At         time.Time
	UserEmail  string // filled when listing
	ActorEmail string // filled when listing
}

// Counter keys. A key names what is counted and for whom.
func FailedLoginKey(userID int64) string { return fmt.Sprintf("login-fail:%d", userID) }

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
