package web

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"
)

// defaultCountry is the country preselected for a number typed without +.
const defaultCountry = "US"

type countryOption struct {
	Code     string // ISO 3166, e.g. "GB"
	Label    string // "United Kingdom (+44)"
	Selected bool
}

// currentNames are the countries whose name in x/text's English region
// names is an old one, or a long form nobody looks for, by their current
// short English name.
var currentNames = map[string]string{
	"SZ": "Eswatini",        // Swaziland until 2018
	"MK": "North Macedonia", // Macedonia until 2019
	"TR": "Türkiye",         // the name the UN uses since 2022; it sorts beside "Turkey" anyway
	"CZ": "Czechia",
	"HK": "Hong Kong",
	"MO": "Macao",
	"PS": "Palestine",
}

// countryName is a region's English name, current, for people.
func countryName(names display.Namer, code string) string {
	if n, ok := currentNames[code]; ok {
		return n
	}
	if r, err := language.ParseRegion(code); err == nil {
		if n := names.Name(r); n != "" {
			return n
		}
	}
	return code
}

// sortKey is a name as an English reader sorts it: without accents and
// without case, so that "Åland Islands" sorts as "aland islands". Letters
// are decomposed (NFD) and their combining marks dropped.
func sortKey(name string) string {
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFD.String(name))
}

// allCountries is every region libphonenumber knows, by name, sorted as
// people sort (Åland Islands beside Albania, Côte d’Ivoire beside Costa
// Rica, not after Zimbabwe as bytes would have them); it is built once.
var allCountries = sync.OnceValue(func() []countryOption {
	names := display.English.Regions()
	type named struct {
		countryOption
		name, key string
	}
	var all []named
	for code := range phonenumbers.GetSupportedRegions() {
		name := countryName(names, code)
		cc := phonenumbers.GetCountryCodeForRegion(code)
		all = append(all, named{countryOption{Code: code, Label: name + " (+" + strconv.Itoa(cc) + ")"}, name, sortKey(name)})
	}
	slices.SortFunc(all, func(a, b named) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.name, b.name), strings.Compare(a.Label, b.Label))
	})
	out := make([]countryOption, len(all))
	for i, n := range all {
		out[i] = n.countryOption
	}
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
