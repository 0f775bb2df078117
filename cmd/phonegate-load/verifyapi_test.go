package main

import (
	"testing"

	"github.com/phonegate/phonegate"
)

// TestVerifyNumbers: the verify scenario's numbers are numbers the API
// takes, and none comes twice in a run's reach.
func TestVerifyNumbers(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 800_000; i += 997 {
		n := verifyNumber(i)
		if seen[n] {
			t.Fatalf("number %d (%s) came before", i, n)
		}
		seen[n] = true
		if p, err := phonegate.ParsePhone(n, "", nil); err != nil || p.E164 != n || !p.SMS {
			t.Fatalf("number %d: ParsePhone(%s) = %+v, %v; want it as it is, for SMS", i, n, p, err)
		}
	}
}
