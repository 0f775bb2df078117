package phonegate

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"
)

// What every store names and decides the same way, whatever its SQL: the counter keys of the
// send caps, the projects an audit event about a user goes to, delivery IDs and the words of
// some audit events. Keeping them here lets two stores share one database's meaning.

// SessionSendsKey is the counter key of the sends asked for by a login session.
func SessionSendsKey(sessionHash []byte) string {
	return "sends-session:" + hex.EncodeToString(sessionHash)
}

// AddressSendsKey is the counter key of the sends asked for from a client address.
func AddressSendsKey(addr string) string { return "sends-addr:" + addr }

// NewNumbersPrefix begins the counter keys of the numbers an account enrolls, one key a number.
func NewNumbersPrefix(userID int64) string { return fmt.Sprintf("enroll-number:%d:", userID) }

// RangePrefix begins the counter keys of the numbers enrolled in phone's range (all its digits
// but the last RangeDigits), one key a number; phone must be longer than RangeDigits.
func RangePrefix(phone string) string {
	return "enroll-range:" + phone[:len(phone)-RangeDigits] + ":"
}

// AccountEvent reports whether an audit event about a user, of kind, is an account event rather
// than a second-factor event. An event about a user is written into the audit logs of the
// projects it concerns, as they stand when it happens; a later change of membership or level
// leaves the rows already written where they are.
//
//   - Only projects the user belongs to and had accepted then: a project that added the user
//     without their consent, or that they joined later, learns nothing of their account.
//   - A second-factor event (codes sent, delivered or not, the automatic call, a NO or a reply
//     from the phone, a code accepted or refused, the lock) goes only to the projects whose
//     two-factor level is on: those are the projects whose gate asks for the code, and one code
//     passed satisfies each of them at once. A project with two-factor off sees none of this.
//   - An account event (password changed, phone verified, emergency code used or replaced,
//     two-factor reset, trusted computers forgotten, sessions ended, a membership joined) goes to
//     every such project: each one's login rests on what it is about.
//
// A kind that begins "code." and the kinds 2fa.passed, 2fa.failed and 2fa.locked are
// second-factor events; any other kind is an account event.
func AccountEvent(kind string) bool {
	switch kind {
	case "2fa.passed", "2fa.failed", "2fa.locked":
		return false
	}
	return !strings.HasPrefix(kind, "code.")
}

// NewDeliveryID returns an opaque delivery ID: "d" and 128 random bits. It travels in webhook
// URLs, so it must not be guessable.
func NewDeliveryID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "d" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// OtherSessionsWords counts the sessions EndOtherSessions ended, in words for the audit log.
func OtherSessionsWords(n int) string {
	switch n {
	case 0:
		return "no other session"
	case 1:
		return "1 other session"
	}
	return fmt.Sprintf("%d other sessions", n)
}
