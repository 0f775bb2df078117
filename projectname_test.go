package phonegate_test

import (
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/twiml"
)

// TestProjectNameRule: the names an SMS or a call may say, and the same
// answer from the call script's own copy of the rule.
func TestProjectNameRule(t *testing.T) {
	tests := []struct {
		name string
		fits bool
	}{
		{"Engine", true},
		{"Analytical Engine 2", true},
		{"team-a.v2_b", true},
		{"Café Ünïcode 東京", true},
		{"Cafe\u0301", true}, // a combining accent on a letter
		{strings.Repeat("é", 30), true},
		{strings.Repeat("x", 31), false},
		{"URGENT: Bank account locked. Call +1 415 555 0199 now", false},
		{"Call +14155550199", false},
		{"evil.example/login?x", false},
		{"Bob's", false},
		{"a,b", false},
		{"tab\there", false},
		{" padded", false},
		{"padded ", false},
		{"\u0301accent first", false},
		{"zero\u200bwidth", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := phonegate.ProjectNameFits(tt.name); got != tt.fits {
			t.Errorf("ProjectNameFits(%q) = %v, want %v", tt.name, got, tt.fits)
		}
		if got := phonegate.CheckProjectName(tt.name) == nil; got != tt.fits {
			t.Errorf("CheckProjectName(%q) accepts = %v, want %v", tt.name, got, tt.fits)
		}
		want := phonegate.NoProjectName
		if tt.fits {
			want = tt.name
		}
		if got := phonegate.ProjectWords(tt.name); got != want {
			t.Errorf("ProjectWords(%q) = %q, want %q", tt.name, got, want)
		}
		if got := twiml.SpokenName(tt.name); got != want {
			t.Errorf("twiml.SpokenName(%q) = %q, want %q (the two rules differ)", tt.name, got, want)
		}
	}
}
