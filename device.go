package phonegate

import (
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
)

// DeviceMAC is the signature of a device cookie: HMAC-SHA256 of the user
// ID and the cookie's nonce under a key derived from the server key for
// device cookies alone (the label holds no zero byte, so it is no
// challenge ID and code that CodeMAC could be asked to sign).
func (k *Keys) DeviceMAC(userID int64, nonce string) []byte {
	dk := hmac.New(sha256.New, k.codeMAC)
	dk.Write([]byte("phonegate device cookie key"))
	m := hmac.New(sha256.New, dk.Sum(nil))
	m.Write([]byte(strconv.FormatInt(userID, 10)))
	m.Write([]byte{0})
	m.Write([]byte(nonce))
	return m.Sum(nil)
}
