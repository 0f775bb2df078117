package phonegate_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

func TestCheckNewPassword(t *testing.T) {
	tests := []struct {
		name, pw, email string
		want            error
	}{
		{"strong", "violet tractor spoon 41", "ada@example.com", nil},
		{"too short", "x7!Kq", "ada@example.com", phonegate.ErrPasswordLength},
		{"too long", strings.Repeat("ab", 65), "ada@example.com", phonegate.ErrPasswordLength},
		{"common", "password1234", "ada@example.com", phonegate.ErrPasswordCommon},
		{"keyboard walk", "qwertyuiop12", "ada@example.com", phonegate.ErrPasswordCommon},
		{"repeated", strings.Repeat("a", 12), "ada@example.com", phonegate.ErrPasswordCommon},
		{"service name", "my PhoneGate login 93!", "ada@example.com", phonegate.ErrPasswordService},
		{"email name", "lovelace violet spoon 41", "lovelace@example.com", phonegate.ErrPasswordEmail},
		{"email name in capitals", "LOVELACE violet spoon 41", "Lovelace@example.com", phonegate.ErrPasswordEmail},
		{"short email name is not checked", "ada violet tractor spoon", "ad@example.com", nil},
		// Full-width letters are normalized to "phonegate" by NFKC.
		{"service name full-width", "ｐｈｏｎｅｇａｔｅ violet 41", "ada@example.com", phonegate.ErrPasswordService},
		// Six "ﬀ" are six code points, twelve once normalized ("ff" each):
		// long enough, and then refused as too easy rather than too short.
		{"length counted after NFKC", strings.Repeat("ﬀ", 6), "ada@example.com", phonegate.ErrPasswordCommon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := phonegate.CheckNewPassword(tt.pw, tt.email)
			if !errors.Is(got, tt.want) {
				t.Errorf("CheckNewPassword(%q, %q) = %v, want %v", tt.pw, tt.email, got, tt.want)
			}
		})
	}
}

func TestNormalizePassword(t *testing.T) {
	tests := []struct{ in, want string }{
		{"caf\u00e9 noir", "caf\u00e9 noir"},
		{"cafe\u0301 noir", "caf\u00e9 noir"}, // combining accent composed
		{"\uff21\uff22\uff11", "AB1"},         // full-width
		{"plain ascii", "plain ascii"},
	}
	for _, tt := range tests {
		if got := phonegate.NormalizePassword(tt.in); got != tt.want {
			t.Errorf("NormalizePassword(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
