package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/twilio/twilio-go/client"
)

// signatureCase is one case of testdata/twilio/twilio-signatures.json,
// computed with Twilio's Node.js library.
type signatureCase struct {
	Name      string            `json:"name"`
	AuthToken string            `json:"auth_token"`
	URL       string            `json:"url"`
	Params    map[string]string `json:"params"`
	Signature string            `json:"signature"`
	Valid     bool              `json:"valid"`
}

// signatureCases reads testdata/twilio/twilio-signatures.json.
func signatureCases(t *testing.T) []signatureCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "twilio", "twilio-signatures.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []signatureCase }
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	return file.Cases
}

// TestSignerVectors: the check gives the verdict of Twilio's Node.js
// library on every case, so that genuine requests never need the slower
// validator behind it, and the signature computed of a genuine case is the
// one Twilio sent.
func TestSignerVectors(t *testing.T) {
	for _, c := range signatureCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range c.Params {
				form.Set(k, v)
			}
			if got := NewSigner(c.AuthToken).Valid(c.URL, form, c.Signature); got != c.Valid {
				t.Errorf("valid = %v, want %v", got, c.Valid)
			}
			if got := Signature(c.AuthToken, c.URL, form); c.Valid && got != c.Signature {
				t.Errorf("Signature = %q, want %q", got, c.Signature)
			}
		})
	}
}

// TestSignatureRepeatedParameters: a repeated parameter is signed once per
// distinct value, values sorted, as Twilio signs it.
func TestSignatureRepeatedParameters(t *testing.T) {
	const token, fullURL = "f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8", "https://phonegate.example.com/twilio/sms/inbound"
	form := url.Values{"From": {"+14155552671"}, "MediaUrl": {"https://b.example/2", "https://a.example/1", "https://b.example/2"}}
	want := hmacSHA1Base64(token, fullURL+"From+14155552671"+"MediaUrlhttps://a.example/1"+"MediaUrlhttps://b.example/2")
	if got := Signature(token, fullURL, form); got != want {
		t.Errorf("Signature = %q, want %q", got, want)
	}
	firstOnly := url.Values{"From": {"+14155552671"}, "MediaUrl": {"https://b.example/2"}}
	if NewSigner(token).Valid(fullURL, form, twilioSign(token, fullURL, firstOnly)) {
		t.Error("a signature of only the first value was accepted")
	}
	validator := client.NewRequestValidator(token)
	if !validator.Validate(fullURL, ValidatorParams(form), want) {
		t.Error("twilio-go's validator refuses the folded parameters")
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
	valid := func(tok, fullURL string, form url.Values, sig string) bool {
		return NewSigner(tok).Valid(fullURL, form, sig)
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
		if !valid(token, fullURL, form, sig) {
			t.Fatalf("case %d: a genuine signature was refused: %q %v", i, fullURL, form)
		}
		if got := Signature(token, fullURL, form); got != sig {
			t.Fatalf("case %d: Signature = %q, want %q", i, got, sig)
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
		if valid(token, fullURL, changed, sig) {
			t.Fatalf("case %d: a signature of another form was accepted", i)
		}
		if valid(token, fullURL+"1", form, sig) {
			t.Fatalf("case %d: a signature of another URL was accepted", i)
		}
		if valid(token+"x", fullURL, form, sig) {
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

// twilioSign signs with names and values in byte order, as twilio-go
// sorts them, each distinct value once.
func twilioSign(token, fullURL string, form url.Values) string {
	var sb strings.Builder
	sb.WriteString(fullURL)
	for _, k := range slices.Sorted(maps.Keys(form)) {
		vs := slices.Clone(form[k])
		slices.Sort(vs)
		for _, v := range slices.Compact(vs) {
			sb.WriteString(k + v)
		}
	}
	return hmacSHA1Base64(token, sb.String())
}

// hmacSHA1Base64 is the signature of data under token.
func hmacSHA1Base64(token, data string) string {
	m := hmac.New(sha1.New, []byte(token))
	m.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestSignerRefusesMalformed: empty, truncated and padded signatures fail
// without panicking.
func TestSignerRefusesMalformed(t *testing.T) {
	const token = "8d3f1c0b7a6e5d4c3b2a190817263544"
	const fullURL = "https://phonegate.example.com/twilio/voice?d=x"
	form := url.Values{"CallSid": {"CA1"}}
	sig := twilioSign(token, fullURL, form)
	for _, bad := range []string{"", sig[:27], sig + "=", strings.ToLower(sig), "\x00" + sig[1:], strings.Repeat("A", 1<<16)} {
		if NewSigner(token).Valid(fullURL, form, bad) {
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
			if got, want := sign(compareUTF16(a, b)), sign(js(a, b)); got != want {
				t.Errorf("compare(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}
