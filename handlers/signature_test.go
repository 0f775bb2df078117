package handlers_test

import (
	"maps"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/twilio/twilio-go/client"

	"github.com/phonegate/phonegate/handlers"
)

// TestSignerVectors: the webhooks' own check gives the verdict of Twilio's
// Node.js library on every case, so that genuine requests never need the
// slower validator behind it.
func TestSignerVectors(t *testing.T) {
	for _, c := range signatureCases(t) {
		form := url.Values{}
		for k, v := range c.Params {
			form.Set(k, v)
		}
		if got := handlers.SignatureValidForTest(c.AuthToken, c.URL, form, c.Signature); got != c.Valid {
			t.Errorf("%s: valid = %v, want %v", c.Name, got, c.Valid)
		}
	}
}

// TestSignerAgreesWithTwilioGo: on random forms, with repeated names and
// characters from every plane, a signature computed as Twilio does passes
// the check, and the check and twilio-go's validator agree on it and on a
// signature of anything changed.
func TestSignerAgreesWithTwilioGo(t *testing.T) {
	const token = "8d3f1c0b7a6e5d4c3b2a190817263544"
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aZ09 +&=%é€\u00ff\ue000\uffef😀𝄞\U0010FFFF")
	word := func() string {
		r := make([]rune, rng.IntN(6))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	validator := client.NewRequestValidator(token)
	agreed := 0
	for i := range 2000 {
		fullURL := "https://phonegate.example.com/twilio/sms/status?d=" + url.QueryEscape(word())
		form := url.Values{}
		for range rng.IntN(6) {
			k := word()
			for range 1 + rng.IntN(3) {
				form.Add(k, word())
			}
		}
		sig := jsSign(token, fullURL, form)
		if !handlers.SignatureValidForTest(token, fullURL, form, sig) {
			t.Fatalf("case %d: a genuine signature was refused: %q %v", i, fullURL, form)
		}
		repeated := false
		for _, vs := range form {
			repeated = repeated || len(vs) > 1
		}
		// twilio-go takes one value per name, and sorts names by bytes:
		// where that order is JavaScript's too, both must accept.
		if !repeated && sig == twilioSign(token, fullURL, form) {
			params := map[string]string{}
			for k, vs := range form {
				params[k] = vs[0]
			}
			if !validator.Validate(fullURL, params, sig) {
				t.Fatalf("case %d: twilio-go refuses what the check accepts: %q %v", i, fullURL, form)
			}
			agreed++
		}
		changed := url.Values{}
		for k, vs := range form {
			changed[k] = slices.Clone(vs)
		}
		changed.Add("x", "1")
		if handlers.SignatureValidForTest(token, fullURL, changed, sig) {
			t.Fatalf("case %d: a signature of another form was accepted", i)
		}
		if handlers.SignatureValidForTest(token, fullURL+"1", form, sig) {
			t.Fatalf("case %d: a signature of another URL was accepted", i)
		}
		if handlers.SignatureValidForTest(token+"x", fullURL, form, sig) {
			t.Fatalf("case %d: a signature under another token was accepted", i)
		}
	}
	if agreed < 500 {
		t.Errorf("only %d forms were checked against twilio-go", agreed)
	}
}

// jsSign signs as Twilio's Node.js library does: names, and the values of
// a repeated name, in JavaScript's sort order, each distinct value once.
func jsSign(token, fullURL string, form url.Values) string {
	js := func(a, b string) int { return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b))) }
	names := slices.SortedFunc(maps.Keys(form), js)
	var sb strings.Builder
	sb.WriteString(fullURL)
	for _, k := range names {
		vs := slices.Clone(form[k])
		slices.SortFunc(vs, js)
		for _, v := range slices.Compact(vs) {
			sb.WriteString(k + v)
		}
	}
	return hmacSHA1Base64(token, sb.String())
}

// TestSignerRefusesMalformed: empty, truncated and padded signatures fail
// without panicking.
func TestSignerRefusesMalformed(t *testing.T) {
	const token = "8d3f1c0b7a6e5d4c3b2a190817263544"
	const fullURL = "https://phonegate.example.com/twilio/voice?d=x"
	form := url.Values{"CallSid": {"CA1"}}
	sig := twilioSign(token, fullURL, form)
	for _, bad := range []string{"", sig[:27], sig + "=", strings.ToLower(sig), "\x00" + sig[1:], strings.Repeat("A", 1<<16)} {
		if handlers.SignatureValidForTest(token, fullURL, form, bad) {
			t.Errorf("signature %q accepted", bad)
		}
	}
}

// TestCompareUTF16 checks the order against JavaScript's, computed by
// comparing UTF-16 encodings.
func TestCompareUTF16(t *testing.T) {
	words := []string{"", "a", "b", "ab", "B", "é", "\ue000", "\uffef", "😀", "𝄞", "a😀", "a\uffff", "\U0010FFFF", "zz", "z"}
	js := func(a, b string) int {
		return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
	}
	sign := func(n int) int { return min(max(n, -1), 1) }
	for _, a := range words {
		for _, b := range words {
			if got, want := sign(handlers.CompareUTF16ForTest(a, b)), sign(js(a, b)); got != want {
				t.Errorf("compare(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}
