package phonegate_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
)

var fast = phonegate.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestPasswordHash(t *testing.T) {
	ctx := context.Background()
	h := phonegate.NewHasher(fast)
	phc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(phc) {
		t.Errorf("PHC string %q has the wrong form", phc)
	}
	tests := []struct {
		name       string
		hasher     *phonegate.Hasher
		secret     string
		phc        string
		ok, rehash bool
	}{
		{"right", h, "correct horse battery staple", phc, true, false},
		{"wrong", h, "correct horse battery stapler", phc, false, false},
		{"no hash (unknown user)", h, "anything", "", false, false},
		{"right, old parameters", phonegate.NewHasher(phonegate.Argon2Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}),
			"correct horse battery staple", phc, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := tt.hasher.Verify(ctx, tt.secret, tt.phc)
			if err != nil || ok != tt.ok || rehash != tt.rehash {
				t.Errorf("Verify = %v, %v, %v; want %v, %v, nil", ok, rehash, err, tt.ok, tt.rehash)
			}
		})
	}
	if _, _, err := h.Verify(ctx, "x", "$argon2id$garbage"); err == nil {
		t.Error("a malformed hash verified without error")
	}
	if p := phonegate.DefaultArgon2; p.Memory != 19456 || p.Time != 2 || p.Threads != 1 || p.SaltLen != 16 {
		t.Errorf("DefaultArgon2 = %+v, want m=19456 t=2 p=1 salt 16", p)
	}
}

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{strings.Repeat("a", 11), false},
		{strings.Repeat("a", 12), true},
		{strings.Repeat("é", 12), true}, // 24 bytes, 12 code points
		{strings.Repeat("é", 11), false},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{strings.Repeat("😀", 128), true},
	}
	for _, tt := range tests {
		if err := phonegate.CheckPasswordRules(tt.pw); (err == nil) != tt.ok {
			t.Errorf("CheckPasswordRules(%d runes) = %v, want ok=%v", len([]rune(tt.pw)), err, tt.ok)
		}
	}
}

func TestCodes(t *testing.T) {
	keys, err := phonegate.NewKeys([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for range 2000 {
		c := phonegate.NewCode()
		if !regexp.MustCompile(`^[0-9]{6}$`).MatchString(c) {
			t.Fatalf("NewCode() = %q, want six digits", c)
		}
		seen[c] = true
	}
	if len(seen) < 1990 {
		t.Errorf("2000 codes gave only %d distinct ones", len(seen))
	}
	mac := keys.CodeMAC("ch1", "012345")
	if !keys.CheckCode("ch1", "012345", mac) || keys.CheckCode("ch2", "012345", mac) || keys.CheckCode("ch1", "012346", mac) {
		t.Error("CodeMAC is not bound to both the challenge and the code")
	}
	sealed := keys.Seal("ch1", "012345")
	if strings.Contains(string(sealed), "012345") {
		t.Error("the sealed code holds the code in the clear")
	}
	if got, err := keys.Open("ch1", sealed); err != nil || got != "012345" {
		t.Errorf("Open = %q, %v", got, err)
	}
	if _, err := keys.Open("ch2", sealed); err == nil {
		t.Error("a code sealed for one challenge opened for another")
	}
}

func TestEmergencyCode(t *testing.T) {
	c := phonegate.NewEmergencyCode()
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`).MatchString(c) {
		t.Fatalf("NewEmergencyCode() = %q", c)
	}
	if c == phonegate.NewEmergencyCode() {
		t.Error("two emergency codes are equal")
	}
	tests := map[string]string{
		strings.ToLower(c):              c,
		strings.ReplaceAll(c, "-", " "): c,
		"abcd-efgh-0o1l-ijkm":           "ABCD-EFGH-0011-1JKM",
	}
	for in, want := range tests {
		if got := phonegate.NormalizeEmergencyCode(in); got != want {
			t.Errorf("NormalizeEmergencyCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		region  string
		allowed []string
		e164    string
		sms     bool
		err     error
	}{
		{"US national", "(415) 555-2671", "US", nil, "+14155552671", true, nil},
		{"international", "+44 7400 123456", "US", nil, "+447400123456", true, nil},
		{"UK fixed line cannot take SMS", "020 7946 0958", "GB", nil, "+442079460958", false, nil},
		{"UK premium rate", "+44 909 879 0000", "", nil, "", false, phonegate.ErrPhonePremium},
		{"UK shared cost", "+44 845 464 0000", "", nil, "", false, phonegate.ErrPhonePremium},
		{"garbage", "call me maybe", "US", nil, "", false, phonegate.ErrPhoneInvalid},
		{"too short", "12", "US", nil, "", false, phonegate.ErrPhoneInvalid},
		{"keypad letters", "1-800-FLOWERS", "US", nil, "", false, phonegate.ErrPhoneInvalid},
		{"letters that make it too long", "2010000000AAA0", "DE", nil, "", false, phonegate.ErrPhoneInvalid},
		{"national without country", "4155552671", "", nil, "", false, phonegate.ErrPhoneInvalid},
		{"country not allowed", "+447400123456", "", []string{"US", "CA"}, "", false, phonegate.ErrPhoneCountry},
		{"country allowed", "+14155552671", "", []string{"US", "CA"}, "+14155552671", true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := phonegate.ParsePhone(tt.input, tt.region, tt.allowed)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if p.E164 != tt.e164 || (err == nil && p.SMS != tt.sms) {
				t.Errorf("got %+v, want %s sms=%v", p, tt.e164, tt.sms)
			}
		})
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct {
		name, e164, want string
	}{
		{"United States", "+14155552671", "+1 ••• ••• •671"},
		{"United Kingdom mobile", "+447911123456", "+44 •••• •••456"},
		{"United Kingdom London", "+442079460456", "+44 •• •••• •456"},
		{"France", "+33612345678", "+33 • •• •• •6 78"},
		{"Germany", "+4915123456789", "+49 •••• ••••789"},
		{"Japan", "+819012345678", "+81 •• •••• •678"},
		{"Brazil", "+5511987654321", "+55 •• ••••• •321"},
		{"Russia", "+79161234567", "+7 ••• ••• •5 67"},
		{"Antigua, inside +1", "+12684641234", "+1 ••• ••• •234"},
		{"unknown country code", "+99912345678", "+••••••••678"},
		{"too short to hide", "+1234", "+1234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := phonegate.MaskPhone(tt.e164); got != tt.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tt.e164, got, tt.want)
			}
		})
	}
}

func TestLevelCovered(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	never := time.Time{}
	ago := func(d time.Duration) time.Time { return now.Add(-d) }
	day := 24 * time.Hour
	tests := []struct {
		name                        string
		level                       phonegate.Level
		session, trusted, trustedAt time.Time
		want                        bool
	}{
		{"off needs nothing", phonegate.LevelOff, never, never, never, true},
		{"every login: new session", phonegate.LevelEveryLogin, never, ago(time.Minute), ago(time.Hour), false},
		{"every login: code in this session", phonegate.LevelEveryLogin, ago(time.Hour), never, never, true},
		{"30 days: trusted 29d23h ago", phonegate.Level30Days, never, ago(30*day - time.Hour), ago(100 * day), true},
		{"30 days: trusted 30d ago", phonegate.Level30Days, never, ago(30 * day), ago(100 * day), false},
		{"30 days: nothing", phonegate.Level30Days, never, never, never, false},
		{"per computer: trusted 364d ago", phonegate.LevelPerComputer, never, ago(364 * day), ago(364 * day), true},
		{"per computer: trusted 365d ago", phonegate.LevelPerComputer, never, ago(365 * day), ago(365 * day), false},
		{"per computer: no trust", phonegate.LevelPerComputer, never, never, never, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.level.Covered(tt.session, tt.trusted, tt.trustedAt, now); got != tt.want {
				t.Errorf("Covered = %v, want %v", got, tt.want)
			}
		})
	}
	for _, l := range phonegate.Levels {
		if got, err := phonegate.ParseLevel(string(l)); got != l || err != nil {
			t.Errorf("ParseLevel(%q) = %q, %v", l, got, err)
		}
	}
	if _, err := phonegate.ParseLevel("sometimes"); err == nil {
		t.Error("ParseLevel accepted an unknown level")
	}
}
