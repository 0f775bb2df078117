package web

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
// against that device alone (phonegate.DeviceFailLimit), not against the
// account-wide throttle (phonegate.LoginFailLimit) that failures from
// everywhere else fill, so that a flood of wrong passwords cannot lock the
// owner out of the computer they always use. A device past its own limit
// is treated as any other browser.
const deviceCookieAge = 365 * 24 * time.Hour

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
	id, d, ok := s.anyDevice(r)
	if !ok || userID == 0 || id != userID {
		return device{}, false
	}
	return d, true
}

// anyDevice returns the user and device a valid device cookie names.
func (s *Server) anyDevice(r *http.Request) (int64, device, bool) {
	c, err := r.Cookie(s.deviceCookie())
	if err != nil {
		return 0, device{}, false
	}
	idText, rest, ok := strings.Cut(c.Value, ".")
	nonce, sig, ok2 := strings.Cut(rest, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || !ok2 || err != nil || id <= 0 || len(nonce) != 32 {
		return 0, device{}, false
	}
	mac, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, s.cfg.Keys.DeviceMAC(id, nonce)) {
		return 0, device{}, false
	}
	return id, device{nonce: nonce}, true
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
	s.setCookie(w, s.deviceCookie(), value, deviceCookieAge)
}
