package phonegate_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/phonegate/phonegate"
)

func replyTestKeys(t *testing.T, b byte) *phonegate.Keys {
	t.Helper()
	k, err := phonegate.NewKeys(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestReplyCode: a challenge's reply code is six letters of the reply
// alphabet, the same at every asking, and another for another challenge or
// another server key.
func TestReplyCode(t *testing.T) {
	k, other := replyTestKeys(t, 1), replyTestKeys(t, 2)
	seen := map[string]bool{}
	for i := range 200 {
		id := phonegate.NewToken()
		got := k.ReplyCode(id)
		if len(got) != phonegate.ReplyCodeLen || strings.Trim(got, phonegate.ReplyAlphabet) != "" {
			t.Fatalf("ReplyCode(%q) = %q, want %d letters of %s", id, got, phonegate.ReplyCodeLen, phonegate.ReplyAlphabet)
		}
		if again := k.ReplyCode(id); again != got {
			t.Fatalf("ReplyCode(%q) = %q, then %q", id, got, again)
		}
		if i < 20 && other.ReplyCode(id) == got {
			t.Errorf("two server keys give challenge %q the same reply code %q", id, got)
		}
		seen[got] = true
	}
	if len(seen) < 199 {
		t.Errorf("200 challenges drew %d distinct reply codes", len(seen))
	}
}

// TestReplyMAC: the MAC is the same for the ways people type one code, and
// differs for another code, another phone or another key.
func TestReplyMAC(t *testing.T) {
	k := replyTestKeys(t, 1)
	const phone = "+14155552671"
	want := k.ReplyMAC(phone, "K7Q4MB")
	for _, typed := range []string{"K7Q4MB", "k7q4mb", " k7 q4-mb. "} {
		if got := k.ReplyMAC(phone, typed); !bytes.Equal(got, want) {
			t.Errorf("ReplyMAC(%q) differs from the MAC of K7Q4MB", typed)
		}
	}
	for name, got := range map[string][]byte{
		"another code":  k.ReplyMAC(phone, "K7Q4MC"),
		"another phone": k.ReplyMAC("+14155550100", "K7Q4MB"),
		"another key":   replyTestKeys(t, 2).ReplyMAC(phone, "K7Q4MB"),
	} {
		if bytes.Equal(got, want) {
			t.Errorf("%s gives the same MAC", name)
		}
	}
	for _, empty := range []string{"", " ", "!!"} {
		if got := k.ReplyMAC(phone, empty); got != nil {
			t.Errorf("ReplyMAC(%q) = %x, want nil", empty, got)
		}
	}
}

func TestNormalizeReplyCode(t *testing.T) {
	for in, want := range map[string]string{
		"ab12x": "AB12X", " AB 12 x ": "AB12X", "ab-12x.": "AB12X", "": "", "!!": "",
	} {
		if got := phonegate.NormalizeReplyCode(in); got != want {
			t.Errorf("NormalizeReplyCode(%q) = %q, want %q", in, got, want)
		}
	}
}
