package handlers

import (
	"cmp"
	"slices"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// defaultCountry is the country preselected for a number typed without +.
const defaultCountry = "US"

type countryOption struct {
	Code     string // ISO 3166, e.g. "GB"
	Label    string // "United Kingdom (+44)"
	Selected bool
}

// allCountries is every region libphonenumber knows, by name; it is built
// once.
var allCountries = sync.OnceValue(func() []countryOption {
	names := display.English.Regions()
	var out []countryOption
	for code := range phonenumbers.GetSupportedRegions() {
		name := code
		if r, err := language.ParseRegion(code); err == nil {
			if n := names.Name(r); n != "" {
				name = n
			}
		}
		cc := phonenumbers.GetCountryCodeForRegion(code)
		out = append(out, countryOption{Code: code, Label: name + " (+" + strconv.Itoa(cc) + ")"})
	}
	slices.SortFunc(out, func(a, b countryOption) int { return cmp.Compare(a.Label, b.Label) })
	return out
})

// countryOptions lists the countries a number may be from (the allowed
// ones when the server has a list), with selected marked.
func (s *Server) countryOptions(selected string) []countryOption {
	if selected == "" {
		selected = defaultCountry
	}
	var out []countryOption
	for _, c := range allCountries() {
		if len(s.cfg.AllowedCountries) > 0 && !slices.Contains(s.cfg.AllowedCountries, c.Code) {
			continue
		}
		c.Selected = c.Code == selected
		out = append(out, c)
	}
	return out
}
