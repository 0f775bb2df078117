package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// SignatureHeader carries Twilio's signature of a webhook request.
const SignatureHeader = "X-Twilio-Signature"

// maxPooledBytes bounds the buffer a Signer keeps for reuse: a rare large
// form should not stay pinned in the pool.
const maxPooledBytes = 64 << 10

// Signer computes Twilio's signature of a request the way Twilio computes
// it: base64 of the HMAC-SHA1, under the auth token, of the URL followed by
// each POST parameter's name and value, names sorted as Twilio sorts them,
// a repeated name once per distinct value (see SignedValues). It signs the
// URL exactly as given, with one HMAC and no allocation on the check. A
// Signer is safe for concurrent use.
type Signer struct {
	key  []byte
	pool sync.Pool // *signState
}

type signState struct {
	mac hash.Hash
	buf []byte
	sum [sha1.Size]byte // the MAC's output, here so that it is not allocated
}

// NewSigner returns the Signer of an account's auth token.
func NewSigner(authToken string) *Signer {
	s := &Signer{key: []byte(authToken)}
	s.pool.New = func() any { return &signState{mac: hmac.New(sha1.New, s.key)} }
	return s
}

// Signature returns the X-Twilio-Signature of fullURL and form under
// authToken.
func Signature(authToken, fullURL string, form url.Values) string {
	return NewSigner(authToken).Signature(fullURL, form)
}

// Signature returns the X-Twilio-Signature of fullURL and form.
func (s *Signer) Signature(fullURL string, form url.Values) string {
	sum := s.sum(fullURL, FormOf(form))
	return string(sum[:])
}

// Valid reports whether sig is Twilio's signature of fullURL and form.
func (s *Signer) Valid(fullURL string, form url.Values, sig string) bool {
	return s.ValidForm(fullURL, FormOf(form), sig)
}

// ValidForm reports whether sig is Twilio's signature of fullURL and the
// parameters of form, without allocating.
func (s *Signer) ValidForm(fullURL string, form Form, sig string) bool {
	if len(sig) != base64.StdEncoding.EncodedLen(sha1.Size) {
		return false
	}
	want := s.sum(fullURL, form)
	return subtle.ConstantTimeCompare(want[:], []byte(sig)) == 1
}

// sum is the base64 signature of fullURL and form, whose names are in
// Twilio's order already (Form).
func (s *Signer) sum(fullURL string, form Form) [28]byte {
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	st.buf = append(st.buf[:0], fullURL...)
	for ps := form.pairs; len(ps) > 0; {
		n := 1
		for n < len(ps) && ps[n].name == ps[0].name {
			n++
		}
		if n == 1 {
			st.buf = append(append(st.buf, ps[0].name...), ps[0].value...)
		} else {
			vs := make([]string, n)
			for i, p := range ps[:n] {
				vs[i] = p.value
			}
			for _, v := range SignedValues(vs) {
				st.buf = append(append(st.buf, ps[0].name...), v...)
			}
		}
		ps = ps[n:]
	}
	st.mac.Reset()
	st.mac.Write(st.buf)
	var b64 [28]byte // base64 of 20 bytes
	base64.StdEncoding.Encode(b64[:], st.mac.Sum(st.sum[:0]))
	if cap(st.buf) > maxPooledBytes {
		st.buf = nil
	}
	return b64
}

// SignedValues returns the distinct values of a repeated parameter in the
// order Twilio signs them: JavaScript's default sort, which compares UTF-16
// code units.
func SignedValues(vs []string) []string {
	vs = slices.Clone(vs)
	slices.SortFunc(vs, compareUTF16)
	return slices.Compact(vs)
}

// ValidatorParams folds a form into the map that twilio-go's validator
// signs.
//
// Twilio signs the URL followed by each parameter name and value, sorted by
// name; a name that repeats contributes name+value once per distinct value,
// values sorted (as Twilio's Node.js library computes it). twilio-go's
// validator takes one value per name and its ValidateBody keeps only the
// first, which refuses genuine requests with a repeated parameter. Since the
// validator writes name+value for each entry, a repeated name folds into the
// single value v1+name+v2+name+v3, which signs exactly name+v1 name+v2 name+v3.
func ValidatorParams(form url.Values) map[string]string {
	m := make(map[string]string, len(form))
	for k, vs := range form {
		if len(vs) == 1 {
			m[k] = vs[0]
			continue
		}
		m[k] = strings.Join(SignedValues(vs), k)
	}
	return m
}

// compareUTF16 orders strings as JavaScript's default sort does, by UTF-16
// code units, which is how Twilio sorts the names and values it signs. It
// differs from byte order only where a character beyond U+FFFF (a
// surrogate pair, D800 to DFFF) meets one from U+E000 to U+FFFF.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return utf16Key(ra) - utf16Key(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Key maps a rune to a number that sorts as its UTF-16 encoding does:
// its first code unit, then (for a surrogate pair) its second.
func utf16Key(r rune) int {
	if r < 0x10000 {
		return int(r) << 10
	}
	r -= 0x10000
	return (0xD800+int(r>>10))<<10 | int(r&0x3FF)
}
