package phonegate_test

import (
	"regexp"
	"testing"

	"github.com/phonegate/phonegate"
)

func TestAccountEvent(t *testing.T) {
	for _, tt := range []struct {
		kind string
		want bool
	}{
		{"code.sent", false}, {"code.denied", false}, {"2fa.passed", false}, {"2fa.failed", false},
		{"2fa.locked", false}, {"password.changed", true}, {"phone.verified", true}, {"2fa.reset", true},
		{"2fa.emergency", true}, {"sessions.revoked", true}, {"member.joined", true}, {"login.failed", true},
	} {
		if got := phonegate.AccountEvent(tt.kind); got != tt.want {
			t.Errorf("AccountEvent(%q) = %v, want %v", tt.kind, got, tt.want)
		}
	}
}

func TestSendCapKeys(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{phonegate.SessionSendsKey([]byte{0xab, 0x01}), "sends-session:ab01"},
		{phonegate.AddressSendsKey("203.0.113.7"), "sends-addr:203.0.113.7"},
		{phonegate.NewNumbersPrefix(42), "enroll-number:42:"},
		{phonegate.RangePrefix("+15005550006"), "enroll-range:+1500555:"},
		{phonegate.OtherSessionsWords(0), "no other session"},
		{phonegate.OtherSessionsWords(1), "1 other session"},
		{phonegate.OtherSessionsWords(3), "3 other sessions"},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestNewDeliveryID(t *testing.T) {
	re := regexp.MustCompile(`^d[a-z2-7]{26}$`)
	a, b := phonegate.NewDeliveryID(), phonegate.NewDeliveryID()
	if !re.MatchString(a) || a == b {
		t.Errorf("delivery IDs %q, %q: want two different d + 26 base32 letters", a, b)
	}
}
