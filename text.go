package phonegate

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText reports whether s is valid UTF-8 free of control characters
// (NUL, CR, LF, tabs and the like) and of the invisible characters that
// reorder or hide text (bidi overrides and isolates, zero-width marks), so
// that a name or an email cannot forge what a page or a log line shows.
func CleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return false
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F,
			r >= 0x200B && r <= 0x200D, r == 0xFEFF:
			return false
		}
	}
	return true
}

// ValidEmail reports whether email can name an account: something on each
// side of an @, no spaces or angle brackets, clean text (CleanText), at
// most 254 bytes.
func ValidEmail(email string) bool {
	at := strings.IndexByte(email, '@')
	return len(email) <= 254 && at > 0 && at < len(email)-1 && !strings.ContainsAny(email, " <>") && CleanText(email)
}

// PasswordProblem says in words why password may not be chosen for the
// account with email (CheckNewPassword), or "".
func PasswordProblem(password, email string) string {
	err := CheckNewPassword(password, email)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrPasswordLength):
		return fmt.Sprintf("The password must be %d to %d characters long.", MinPasswordLen, MaxPasswordLen)
	}
	msg := err.Error()
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}
