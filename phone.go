package phonegate

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Phone is a phone number normalized to E.164, with what is known of it.
type Phone struct {
	E164    string
	Region  string // ISO 3166 country code, e.g. "US"
	SMS     bool   // whether the number can take text messages
	Display string // international format, for people
}

// Reasons a phone number is refused. Their text is shown to the user.
var (
	ErrPhoneInvalid   = errors.New("that does not look like a valid phone number: check the country and the digits")
	ErrPhonePremium   = errors.New("premium-rate and shared-cost numbers cannot be used")
	ErrPhoneCountry   = errors.New("codes cannot be sent to numbers in that country")
	ErrPhoneNotForSMS = errors.New("that number cannot receive text messages: choose a voice call")
)

// ParsePhone normalizes a number typed by a user. A number that starts
// with + is read as international; otherwise region (ISO code, e.g. "GB")
// says which country it belongs to. allowed, when not empty, lists the
// countries codes may be sent to.
func ParsePhone(input, region string, allowed []string) (Phone, error) {
	input = strings.TrimSpace(input)
	if input == "" || len(input) > 64 {
		return Phone{}, ErrPhoneInvalid
	}
	region = strings.ToUpper(strings.TrimSpace(region))
	if strings.HasPrefix(input, "+") || region == "" {
		region = "ZZ" // unknown region: the number must be international
	}
	// libphonenumber reads letters as keypad digits (1-800-FLOWERS); a
	// code's number is typed in digits, and letters there are a typo.
	if strings.IndexFunc(input, unicode.IsLetter) >= 0 {
		return Phone{}, ErrPhoneInvalid
	}
	num, err := phonenumbers.Parse(input, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return Phone{}, ErrPhoneInvalid
	}
	p := Phone{
		E164:    phonenumbers.Format(num, phonenumbers.E164),
		Region:  phonenumbers.GetRegionCodeForNumber(num),
		Display: phonenumbers.Format(num, phonenumbers.INTERNATIONAL),
	}
	if len(p.E164) > 16 { // E.164 allows at most 15 digits
		return Phone{}, ErrPhoneInvalid
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST:
		return Phone{}, ErrPhonePremium
	case phonenumbers.FIXED_LINE, phonenumbers.TOLL_FREE, phonenumbers.UAN, phonenumbers.VOICEMAIL, phonenumbers.PAGER:
		p.SMS = false
	default:
		// Mobile, fixed-line-or-mobile (where the plan cannot tell, as in
		// the US), VoIP, personal and unknown: let the carrier decide, and
		// fall back to a call if the message does not arrive.
		p.SMS = true
	}
	if len(allowed) > 0 && !slices.Contains(allowed, p.Region) {
		return Phone{}, fmt.Errorf("%w (%s)", ErrPhoneCountry, p.Region)
	}
	return p, nil
}

// MaskPhone hides all but the last three digits of an E.164 number and
// keeps its country code, grouped as the country writes its numbers:
// +44 •••• •••456, +1 ••• ••• •671. A number libphonenumber cannot read
// keeps only its last three digits: +•••••••671.
func MaskPhone(e164 string) string {
	const keep = 3
	if len(e164) < 6 {
		return e164
	}
	num, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil {
		return "+" + strings.Repeat("•", len(e164)-1-keep) + e164[len(e164)-keep:]
	}
	intl := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	prefix := "+" + strconv.Itoa(int(num.GetCountryCode()))
	national, ok := strings.CutPrefix(intl, prefix)
	if !ok {
		return "+" + strings.Repeat("•", len(e164)-1-keep) + e164[len(e164)-keep:]
	}
	digits := 0
	for _, r := range national {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	var b strings.Builder
	b.WriteString(prefix)
	seen := 0
	for _, r := range national {
		switch {
		case r >= '0' && r <= '9':
			seen++
			if seen > digits-keep {
				b.WriteRune(r)
			} else {
				b.WriteString("•")
			}
		case r == ' ' || r == '-':
			b.WriteByte(' ') // one separator for every country: the dashes of some say nothing here
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
