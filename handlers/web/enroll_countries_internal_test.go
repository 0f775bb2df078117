package web

import (
	"slices"
	"strings"
	"testing"
)

// TestCountryOrder checks that the country list is sorted for people,
// letters with accents beside their plain letters, and uses current names.
func TestCountryOrder(t *testing.T) {
	var names []string
	for _, c := range allCountries() {
		names = append(names, c.Label[:strings.LastIndex(c.Label, " (+")])
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
