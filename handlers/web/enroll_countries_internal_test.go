package web

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// countryLabelName is the country's name in a picker label, "Chad" in
// "Chad (+235)".
func countryLabelName(label string) string {
	return label[:strings.LastIndex(label, " (+")]
}

// TestCountryOrder checks that the country list is sorted for people,
// letters with accents beside their plain letters, and uses current names.
func TestCountryOrder(t *testing.T) {
	var names []string
	for _, c := range allCountries() {
		names = append(names, countryLabelName(c.Label))
	}
	pos := func(name string) int {
		t.Helper()
		i := slices.Index(names, name)
		if i < 0 {
			t.Fatalf("the country list lacks %q", name)
		}
		return i
	}
	// Each row: these names appear in this order, one right after the other.
	tests := []struct {
		name  string
		order []string
	}{
		{"Å sorts as A", []string{"Afghanistan", "Åland Islands", "Albania"}},
		{"ô sorts as o", []string{"Costa Rica", "Côte d’Ivoire", "Croatia"}},
		{"ç sorts as c", []string{"Cuba", "Curaçao", "Cyprus"}},
		{"é sorts as e", []string{"Qatar", "Réunion", "Romania"}},
		{"Türkiye beside Tunisia", []string{"Tunisia", "Türkiye", "Turkmenistan"}},
		{"Eswatini", []string{"Estonia", "Eswatini", "Ethiopia"}},
		{"North Macedonia", []string{"North Korea", "North Macedonia", "Northern Mariana Islands"}},
		{"St. as written", []string{"St. Barthélemy", "St. Helena"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := pos(tt.order[0])
			for i, n := range tt.order[1:] {
				if got, want := pos(n), first+i+1; got != want {
					t.Errorf("%q is at %d, want %d, right after %q (around it: %q)", n, got, want, tt.order[i],
						names[max(0, got-2):min(len(names), got+2)])
				}
			}
		})
	}
	for _, old := range []string{"Swaziland", "Macedonia", "Turkey", "Czech Republic", "Hong Kong SAR China"} {
		if slices.Contains(names, old) {
			t.Errorf("the country list still says %q", old)
		}
	}
	if got, want := names[len(names)-1], "Zimbabwe"; got != want {
		t.Errorf("last country = %q, want %q", got, want)
	}
}

// TestCountryOrderMatchesCollation checks that the picker's order is the
// order of the Unicode collation for English, ignoring accents and case,
// for every country the picker shows. The server sorts by a plain key
// instead of linking the collation tables; this test holds the two equal.
func TestCountryOrderMatchesCollation(t *testing.T) {
	got := slices.Clone(allCountries())
	want := slices.Clone(got)
	c := collate.New(language.English, collate.Loose)
	slices.SortStableFunc(want, func(a, b countryOption) int {
		if n := c.CompareString(countryLabelName(a.Label), countryLabelName(b.Label)); n != 0 {
			return n
		}
		return c.CompareString(a.Label, b.Label)
	})
	if len(got) < 200 {
		t.Fatalf("the country list has %d countries, want every region libphonenumber knows", len(got))
	}
	differ := 0
	for i := range got {
		if got[i].Label == want[i].Label {
			continue
		}
		if differ++; differ <= 3 {
			lo, hi := max(0, i-2), min(len(got), i+3)
			t.Errorf("country %d is %q, the collation puts %q there\n around it: %q\n collation: %q",
				i, got[i].Label, want[i].Label, labels(got[lo:hi]), labels(want[lo:hi]))
		}
	}
	if differ > 3 {
		t.Errorf("%d of %d places differ from the collation in all", differ, len(got))
	}
}

// labels are the options' labels.
func labels(opts []countryOption) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Label
	}
	return out
}
