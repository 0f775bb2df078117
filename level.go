package phonegate

import (
	"fmt"
	"time"
)

// Level is a project's two-factor setting.
type Level string

// The two-factor levels, from none to strictest.
const (
	LevelOff         Level = "off"
	LevelPerComputer Level = "per_computer"
	Level30Days      Level = "every_30_days"
	LevelEveryLogin  Level = "every_login"
)

// Levels lists every level in the order they are offered.
var Levels = []Level{LevelOff, LevelPerComputer, Level30Days, LevelEveryLogin}

// How long a trusted computer may skip the code.
const (
	TrustPerComputer = 365 * 24 * time.Hour
	Trust30Days      = 30 * 24 * time.Hour
)

// ParseLevel checks a level sent by a form.
func ParseLevel(s string) (Level, error) {
	for _, l := range Levels {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown two-factor level %q", s)
}

// Label is the level as the settings page words it.
func (l Level) Label() string {
	switch l {
	case LevelPerComputer:
		return "Once per computer"
	case Level30Days:
		return "Every 30 days"
	case LevelEveryLogin:
		return "Every time you log in"
	default:
		return "Off"
	}
}

// Covered reports whether a session may open a project at this level
// without a new code. sessionMFA is when the code was passed in this
// session (zero if never); trustedMFA is when it was last passed on this
// computer, as recorded by a trusted-computer record that belongs to the
// user (zero if none); trustedSince is when that record was created.
func (l Level) Covered(sessionMFA, trustedMFA, trustedSince, now time.Time) bool {
	switch l {
	case LevelOff:
		return true
	case LevelEveryLogin:
		// The code is asked once per login: a session that passed it is
		// covered for the rest of its life, and a new login starts without.
		return !sessionMFA.IsZero()
	case Level30Days:
		last := later(sessionMFA, trustedMFA)
		return !last.IsZero() && now.Sub(last) < Trust30Days
	case LevelPerComputer:
		if !sessionMFA.IsZero() {
			return true
		}
		return !trustedMFA.IsZero() && now.Sub(trustedSince) < TrustPerComputer
	}
	return false
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
