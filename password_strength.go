package phonegate

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/text/unicode/norm"
)

// ServiceName is the word no password may contain: the first guess of
// anyone who knows which service they are attacking.
const ServiceName = "phonegate"

// MinPasswordScore is the lowest zxcvbn score (0 to 4) a new password may
// have: 3 is "safely unguessable: moderate protection from an offline
// attack", about 10^8 guesses and more.
const MinPasswordScore = 3

// Reasons a new password is refused, in words for the page that asked.
var (
	ErrPasswordCommon  = errors.New("this password is too easy to guess: it is a common password, a common pattern or close to one. Try a few unrelated words")
	ErrPasswordService = errors.New(`the password may not contain the service's name ("` + ServiceName + `")`)
	ErrPasswordEmail   = errors.New("the password may not contain the name of your email address")
)

// NormalizePassword returns pw in Unicode normalization form NFKC, so that
// the same password typed on two keyboards (a precomposed "é" or "e" and a
// combining accent, a full-width digit) is the same password. Every
// password is normalized before it is hashed or checked.
func NormalizePassword(pw string) string { return norm.NFKC.String(pw) }

// CheckNewPassword reports whether pw may be chosen as the password of the
// account with email, and if not, why: its length in code points once
// normalized (CheckPasswordRules), the service's name or the email's name
// inside it, or a zxcvbn score below MinPasswordScore. The error's text is
// meant for the user.
func CheckNewPassword(pw, email string) error {
	pw = NormalizePassword(pw)
	if err := CheckPasswordRules(pw); err != nil {
		return err
	}
	lower := strings.ToLower(pw)
	if strings.Contains(lower, ServiceName) {
		return ErrPasswordService
	}
	name := emailName(email)
	if utf8.RuneCountInString(name) >= 3 && strings.Contains(lower, name) {
		return ErrPasswordEmail
	}
	inputs := []string{ServiceName}
	if name != "" {
		inputs = append(inputs, name)
	}
	if zxcvbn.PasswordStrength(pw, inputs).Score < MinPasswordScore {
		return ErrPasswordCommon
	}
	return nil
}

// emailName is the part of an email address before the "@", lower case
// and normalized like a password.
func emailName(email string) string {
	name, _, _ := strings.Cut(email, "@")
	return strings.ToLower(NormalizePassword(strings.TrimSpace(name)))
}
