package twiml

import (
	"strings"
	"unicode"
)

// maxName is the longest project name a call speaks, in characters.
const maxName = 30

// noName is said in place of a project name that does not fit.
const noName = "your project"

// spokenName is how a call names a project: the name when it is 1 to 30
// letters (with their accents), decimal digits, spaces and "-._", with no
// space at either end, else "your project". It is the rule of
// phonegate.ProjectNameFits, kept here so that this package stays on the
// standard library and no caller can make a call say free text.
func spokenName(name string) string {
	if name == "" || strings.TrimSpace(name) != name {
		return noName
	}
	n := 0
	prev := ' '
	for _, r := range name {
		n++
		switch {
		case n > maxName:
			return noName
		case unicode.IsLetter(r), unicode.IsDigit(r), r == ' ', r == '-', r == '.', r == '_':
		case unicode.IsMark(r) && (unicode.IsLetter(prev) || unicode.IsMark(prev)):
		default:
			return noName
		}
		prev = r
	}
	return name
}

// SpokenName is what a call says for the project name, exported so that
// tests can hold the rule to phonegate's.
func SpokenName(name string) string { return spokenName(name) }
