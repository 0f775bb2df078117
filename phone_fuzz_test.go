package phonegate_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/phonegate/phonegate"
)

// FuzzParsePhone feeds the parser anything a user might type. It must not
// panic; what it accepts must be E.164 (a plus and at most 15 digits) that
// parses again to itself, with the same answer on SMS; and what it refuses
// it refuses with one of its reasons, whose words the user reads.
func FuzzParsePhone(f *testing.F) {
	for _, s := range [][2]string{
		{"(415) 555-2671", "US"}, {"+44 7400 123456", ""}, {"020 7946 0958", "GB"}, {"+44 909 879 0000", ""},
		{"+1 800 555 0199", ""}, {"4155552671", ""}, {"+", ""}, {"++1415", "us"}, {"+1 (415) 555-2671 ext. 99", ""},
		{"０３-１２３４-５６７８", "JP"}, {"+٩٧١٥٠١٢٣٤٥٦٧", ""}, {"tel:+1-415-555-2671", ""}, {"+882 1234 5678", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, input, region string) {
		p, err := phonegate.ParsePhone(input, region, nil)
		if err != nil {
			if !errors.Is(err, phonegate.ErrPhoneInvalid) && !errors.Is(err, phonegate.ErrPhonePremium) {
				t.Fatalf("ParsePhone(%q, %q): unexpected error %v", input, region, err)
			}
			return
		}
		if len(p.E164) < 3 || len(p.E164) > 16 || p.E164[0] != '+' || strings.Trim(p.E164[1:], "0123456789") != "" {
			t.Fatalf("ParsePhone(%q, %q) = %q, not E.164", input, region, p.E164)
		}
		if p.Region == "" || p.Display == "" {
			t.Errorf("ParsePhone(%q, %q) = %+v, missing region or display", input, region, p)
		}
		again, err := phonegate.ParsePhone(p.E164, "", nil)
		if err != nil || again.E164 != p.E164 || again.SMS != p.SMS {
			t.Fatalf("ParsePhone(%q) = %+v, %v; want it to give back %+v", p.E164, again, err, p)
		}
		if _, err := phonegate.ParsePhone(p.E164, "", []string{p.Region}); err != nil {
			t.Errorf("%s refused with its own region %s allowed: %v", p.E164, p.Region, err)
		}
		m := phonegate.MaskPhone(p.E164)
		if middle := p.E164[2 : len(p.E164)-3]; !utf8.ValidString(m) || (len(middle) > 2 && strings.Contains(m, middle)) {
			t.Errorf("MaskPhone(%q) = %q shows the middle digits", p.E164, m)
		}
	})
}
