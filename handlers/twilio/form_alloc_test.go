//go:build !race

// The race detector makes sync.Pool drop what it is given, so that the
// count below holds only without it.

package twilio

import "testing"

// TestValidFormAllocatesNothing: the check every genuine webhook takes
// allocates nothing, so it brings the collector no nearer.
func TestValidFormAllocatesNothing(t *testing.T) {
	var f Form
	if err := f.parse("To=%2B15005550006&From=%2B15005550001&CallSid=CA123&CallStatus=in-progress"); err != nil {
		t.Fatal(err)
	}
	s := NewSigner("12345")
	const u = "https://example.com/twilio/voice?d=abc"
	sig := s.sum(u, f)
	sigs := string(sig[:])
	if n := testing.AllocsPerRun(100, func() {
		if !s.ValidForm(u, f, sigs) {
			t.Fatal("refused")
		}
	}); n != 0 {
		t.Errorf("ValidForm allocates %v times", n)
	}
}

