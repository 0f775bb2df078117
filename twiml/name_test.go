package twiml_test

import (
	"strings"
	"testing"

	"github.com/phonegate/phonegate/twiml"
)

// TestSpokenName: a call speaks a project name only when it fits the
// rule, and "your project" for anything else, wherever a name is said.
func TestSpokenName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Acme", "Acme"},
		{"Analytical Engine 2", "Analytical Engine 2"},
		{"team-a.v2_b", "team-a.v2_b"},
		{"Café Ünïcode 東京", "Café Ünïcode 東京"},
		{"Cafe\u0301", "Cafe\u0301"},
		{strings.Repeat("x", 30), strings.Repeat("x", 30)},
		{strings.Repeat("x", 31), "your project"},
		{attackerName, "your project"},
		{"Call +14155550199", "your project"},
		{"see https://evil.example", "your project"},
		{"Tom & Jerry's <Co>", "your project"},
		{"two\nlines", "your project"},
		{" padded", "your project"},
		{"\u0301accent first", "your project"},
		{"", "your project"},
	}
	for _, tt := range tests {
		if got := twiml.SpokenName(tt.name); got != tt.want {
			t.Errorf("SpokenName(%q) = %q, want %q", tt.name, got, tt.want)
		}
		gate := string(twiml.CallGate(with(func(s *twiml.CallScript) { s.Project = tt.name })).Bytes())
		inbound := string(twiml.InboundCall(tt.name).Bytes())
		// The documents trim the name first: spaces around a fitting
		// name are dropped, not a reason to drop the name.
		if twiml.SpokenName(strings.TrimSpace(tt.name)) == "your project" && tt.name != "" {
			for doc, body := range map[string]string{"gate": gate, "inbound call": inbound} {
				if !strings.Contains(body, "for your project") {
					t.Errorf("%s for %q does not say \"your project\":\n%s", doc, tt.name, body)
				}
			}
		}
	}
}
