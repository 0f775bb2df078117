package handlers

import (
	"unicode"
	"unicode/utf8"
)

// cleanText reports whether s is valid UTF-8 free of control characters
// (NUL, CR, LF, tabs and the like) and of the invisible characters that
// reorder or hide text (bidi overrides and isolates, zero-width marks), so
// that a name or an email cannot forge what a page or a log line shows.
func cleanText(s string) bool {
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
