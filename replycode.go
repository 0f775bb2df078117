package phonegate

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/big"
	"strings"
	"unicode"
)

// ReplyAlphabet makes reply codes easy to read and type: no vowels (no
// words), no 0/O or 1/I/L.
const ReplyAlphabet = "BCDFGHJKMNPQRSTVWXZ23456789"

// ReplyCodeLen is the length of a reply code.
const ReplyCodeLen = 6

// ReplyCode returns the short code that the holder of a challenge's phone
// may text back to approve it ("verification by reply"). It is derived from
// the challenge ID under the server key, so the page can show it again to
// the session that asked while the database keeps no readable copy: only
// ReplyMAC of it. Without the server key it cannot be found from the ID.
func (k *Keys) ReplyCode(challengeID string) string {
	m := hmac.New(sha256.New, k.replyCode)
	m.Write([]byte(challengeID))
	// 256 bits reduced modulo 27^6: the bias is far below 2^-200.
	n := new(big.Int).SetBytes(m.Sum(nil))
	base := big.NewInt(int64(len(ReplyAlphabet)))
	out := make([]byte, ReplyCodeLen)
	d := new(big.Int)
	for i := range out {
		n.DivMod(n, base, d)
		out[i] = ReplyAlphabet[d.Int64()]
	}
	return string(out)
}

// ReplyMAC is what a challenge keeps to find it by an inbound message: an
// HMAC-SHA256, under the server key, of the phone the reply must come from
// and the reply code as NormalizeReplyCode writes it. The inbound message
// webhook computes it from the sender and the text and looks it up, so that
// the lookup is one indexed read and compares nothing an attacker could
// time: without the key, no one can aim a guess at a stored value. It is
// nil when text holds no letter or digit.
func (k *Keys) ReplyMAC(phone, text string) []byte {
	code := NormalizeReplyCode(text)
	if code == "" {
		return nil
	}
	m := hmac.New(sha256.New, k.replyMAC)
	m.Write([]byte(phone))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return m.Sum(nil)
}

// NormalizeReplyCode puts a reply code in the form it is compared in:
// letters and digits only, upper case. People type "ab 12x", "AB12X." or
// "ab-12x" for the same code.
func NormalizeReplyCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, s)
}
