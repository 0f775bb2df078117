package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Device cookies (OWASP, "Slow down online guessing attacks with device
// cookies"): after a successful login the browser keeps a cookie signed
// by the server that names the user and a random nonce. A login from a
// browser with a valid device cookie for that account counts its failures
// against that device alone (deviceFailLimit), not against the account-wide
// throttle (loginFailLimit) that failures from everywhere else fill, so
// that a flood of wrong passwords cannot lock the owner out of the
// computer they always use. A device past its own limit is treated as any
// other browser.
const (
	deviceCookieAge  = 365 * 24 * time.Hour
	deviceFailLimit  = 10
	deviceFailWindow = time.Hour
)

// device is a valid device cookie of the account being logged in to.
type device struct {
	nonce string
}

func (s *Server) deviceCookie() string {
	if s.secure {
		return "__Host-phonegate_device"
	}
	return "phonegate_device"
}

// deviceFor returns the request's device cookie when it is valid for
// userID: "<user ID>.<nonce>.<signature>", all hex but the ID.
func (s *Server) deviceFor(r *http.Request, userID int64) (device, bool) {
	c, err := r.Cookie(s.deviceCookie())
	if err != nil || userID == 0 {
		return device{}, false
	}
	id, rest, ok := strings.Cut(c.Value, ".")
	nonce, sig, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || id != strconv.FormatInt(userID, 10) || len(nonce) != 32 {
		return device{}, false
	}
	mac, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, s.cfg.Keys.DeviceMAC(userID, nonce)) {
		return device{}, false
	}
	return device{nonce: nonce}, true
}

// rememberDevice gives the browser a device cookie for userID after a
// successful login, unless it has a valid one already.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, userID int64) {
	if _, ok := s.deviceFor(r, userID); ok {
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	nonce := hex.EncodeToString(b)
	value := strconv.FormatInt(userID, 10) + "." + nonce + "." + hex.EncodeToString(s.cfg.Keys.DeviceMAC(userID, nonce))
	http.SetCookie(w, &http.Cookie{
		Name:     s.deviceCookie(),
		Value:    value,
		Path:     "/",
		MaxAge:   int(deviceCookieAge / time.Second),
		HttpOnly: true,
		Secure:   s.secure,
		SameSite: http.SameSiteLaxMode,
	})
}
