package handlers

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"hash"
	"net/url"
	"slices"
	"sync"
	"unicode/utf8"
)

// signer checks Twilio's signature of a request the way Twilio computes
// it: base64 of the HMAC-SHA1, under the auth token, of the URL followed by
// each POST parameter's name and value, names sorted, a repeated name once
// per distinct value (see signedParams). It checks the URL exactly as
// given, with one HMAC and no allocation; the middleware falls back to
// twilio-go's validator, which also tries the URL with and without its
// port, only when this check fails. Both compute the same HMAC over the
// same bytes, so a request either accepts is genuine.
type signer struct {
	key  []byte
	pool sync.Pool // *signState
}

type signState struct {
	mac   hash.Hash
	buf   []byte
	names []string
}

func newSigner(authToken string) *signer {
	s := &signer{key: []byte(authToken)}
	s.pool.New = func() any { return &signState{mac: hmac.New(sha1.New, s.key)} }
	return s
}

// valid reports whether sig is Twilio's signature of fullURL and form.
func (s *signer) valid(fullURL string, form url.Values, sig string) bool {
	if len(sig) != base64.StdEncoding.EncodedLen(sha1.Size) {
		return false
	}
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	st.buf = append(st.buf[:0], fullURL...)
	st.names = st.names[:0]
	for k := range form {
		st.names = append(st.names, k)
	}
	slices.SortFunc(st.names, compareUTF16)
	for _, k := range st.names {
		vs := form[k]
		if len(vs) > 1 {
			vs = signedValues(vs)
		}
		for _, v := range vs {
			st.buf = append(append(st.buf, k...), v...)
		}
	}
	st.mac.Reset()
	st.mac.Write(st.buf)
	var sum [sha1.Size]byte
	var want [28]byte // base64 of 20 bytes
	base64.StdEncoding.Encode(want[:], st.mac.Sum(sum[:0]))
	if cap(st.buf) > maxWebhookBytes {
		st.buf = nil // a rare large form should not stay pinned in the pool
	}
	return subtle.ConstantTimeCompare(want[:], []byte(sig)) == 1
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
