package phonegate

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
)

// NewToken returns a 128-bit random token, URL-safe.
func NewToken() string { return tokenFrom(rand.Reader) }

// tokenFrom is NewToken reading the random source src.
func tokenFrom(src io.Reader) string {
	b := make([]byte, 16)
	mustRead(src, b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// mustRead fills b from the random source src. crypto/rand does not fail
// on supported platforms; a source that does is a broken build.
func mustRead(src io.Reader, b []byte) {
	if _, err := io.ReadFull(src, b); err != nil {
		panic("phonegate: random source: " + err.Error())
	}
}

// HashToken returns the hash under which a token is stored. Tokens carry
// 128 random bits, so a plain SHA-256 cannot be reversed.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Keys are the server's secrets, derived from the server key file.
type Keys struct {
	codeMAC   []byte
	seal      cipher.AEAD
	replyCode []byte // derives a challenge's reply code (ReplyCode)
	replyMAC  []byte // keys what a challenge keeps of it (ReplyMAC)
	apiKeyMAC []byte // keys what an API key keeps of its secret (APIKeyMAC)
}

// KeySize is the length of the server key in bytes.
const KeySize = 32

// NewKeys derives the code MAC key, the code sealing key and the reply
// code keys from the server key, so that one file yields keys that are
// never shared between uses.
func NewKeys(serverKey []byte) (*Keys, error) {
	if len(serverKey) < KeySize {
		return nil, fmt.Errorf("server key is %d bytes, want at least %d", len(serverKey), KeySize)
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, serverKey)
		m.Write([]byte("phonegate " + label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("code seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Keys{codeMAC: derive("code mac"), seal: aead, replyCode: derive("reply code"), replyMAC: derive("reply mac"),
		apiKeyMAC: derive("api key mac")}, nil
}

// NewCode returns a six-digit code, uniformly drawn and zero-padded.
func NewCode() string { return codeFrom(rand.Reader) }

// codeFrom is NewCode reading the random source src.
func codeFrom(src io.Reader) string {
	n, err := rand.Int(src, big.NewInt(1_000_000))
	if err != nil {
		panic("phonegate: random source: " + err.Error())
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// CodeMAC is what a challenge keeps to check a code: HMAC-SHA256 of the
// challenge ID and the code under the server key.
func (k *Keys) CodeMAC(challengeID, code string) []byte {
	m := hmac.New(sha256.New, k.codeMAC)
	m.Write([]byte(challengeID))
	m.Write([]byte{0})
	m.Write([]byte(code))
	return m.Sum(nil)
}

// CheckCode reports, in constant time, whether code matches mac.
func (k *Keys) CheckCode(challengeID, code string, mac []byte) bool {
	return hmac.Equal(k.CodeMAC(challengeID, code), mac)
}

// Seal encrypts secret with AES-GCM, bound to label: a copy sealed for
// one label (a challenge ID for its code, a reveal, a flash cookie, a
// queued mail) opens for that label only.
func (k *Keys) Seal(label, secret string) []byte {
	nonce := make([]byte, k.seal.NonceSize())
	rand.Read(nonce)
	return k.seal.Seal(nonce, nonce, []byte(secret), []byte(label))
}

// Open decrypts a secret sealed by Seal for the same label.
func (k *Keys) Open(label string, sealed []byte) (string, error) {
	n := k.seal.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sealed secret too short")
	}
	b, err := k.seal.Open(nil, sealed[:n], sealed[n:], []byte(label))
	if err != nil {
		return "", fmt.Errorf("open sealed secret: %w", err)
	}
	return string(b), nil
}

// emergencyAlphabet is Crockford's base32: no I, L, O or U to misread.
const emergencyAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewEmergencyCode returns an emergency code of 80 random bits, written
// as XXXX-XXXX-XXXX-XXXX.
func NewEmergencyCode() string { return emergencyCodeFrom(rand.Reader) }

// emergencyCodeFrom is NewEmergencyCode reading the random source src.
func emergencyCodeFrom(src io.Reader) string {
	b := make([]byte, 10)
	mustRead(src, b)
	n := new(big.Int).SetBytes(b)
	var sb strings.Builder
	for i := range 16 {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		d := new(big.Int)
		n.DivMod(n, big.NewInt(32), d)
		sb.WriteByte(emergencyAlphabet[d.Int64()])
	}
	return sb.String()
}

// NormalizeEmergencyCode puts a typed emergency code in the form it was
// hashed in: upper case, dashes restored, spaces dropped, and the letters
// people mistake for digits read as those digits.
func NormalizeEmergencyCode(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r == ' ' || r == '-' || r == '\t':
			continue
		}
		sb.WriteRune(r)
	}
	raw := sb.String()
	if len(raw) != 16 {
		return raw
	}
	return raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
}
