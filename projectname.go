package phonegate

import (
	"errors"
	"strings"
	"unicode"
)

// MaxProjectName is the longest project name, in characters.
const MaxProjectName = 30

// NoProjectName is what an SMS or a call says in place of a project name
// that does not fit ProjectNameFits (one set before the rule existed).
const NoProjectName = "your project"

// ErrProjectName says, for the user, what a project name may hold.
var ErrProjectName = errors.New("a project name is 1 to 30 letters, digits, spaces and the signs - . _")

// CheckProjectName returns ErrProjectName unless name fits the rule of
// every name that an SMS or a call may say (ProjectNameFits). Names are
// checked where they are set: the setup page, a new project, the command
// line.
func CheckProjectName(name string) error {
	if !ProjectNameFits(name) {
		return ErrProjectName
	}
	return nil
}

// ProjectNameFits reports whether name may go into an SMS or a call: 1 to
// MaxProjectName characters, each a letter (with its accents), a decimal
// digit, a space or one of "-._", with no space at either end. A name
// that fits cannot carry a phone number in international form, a link or
// a sentence of its own, which is what an attacker who names a project
// wants the text to say. twiml applies the same rule to what it speaks.
func ProjectNameFits(name string) bool {
	if name == "" || strings.TrimSpace(name) != name {
		return false
	}
	n := 0
	prev := ' '
	for _, r := range name {
		n++
		switch {
		case n > MaxProjectName:
			return false
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ', r == '-', r == '.', r == '_':
		case unicode.IsMark(r) && (unicode.IsLetter(prev) || unicode.IsMark(prev)):
			// a combining accent on a letter: "é" typed as e and U+0301
		default:
			return false
		}
		prev = r
	}
	return true
}

// ProjectWords is how an SMS or a call names a project: the name itself
// when it fits the rule, else NoProjectName.
func ProjectWords(name string) string {
	if ProjectNameFits(name) {
		return name
	}
	return NoProjectName
}
