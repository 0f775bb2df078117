package web

import (
	"net/http"

	"github.com/phonegate/phonegate"
)

// passwordAsker says who, by r, types a password: the account of the
// browser's valid device cookie, the logged-in user, the client address.
func (s *Server) passwordAsker(r *http.Request) phonegate.PasswordAsker {
	pa := phonegate.PasswordAsker{Addr: s.clientAddr(r)}
	if id, d, ok := s.anyDevice(r); ok {
		pa.DeviceUser, pa.DeviceNonce = id, d.nonce
	}
	if a := authFrom(r); a != nil && a.token != "" {
		pa.Self = a.user.ID
	}
	return pa
}

// verifyPassword checks password against u's hash (the service's
// CheckPassword), within the limit of failures of its throttle: the
// account's, or the device's when the browser has a valid device cookie
// for u.
func (s *Server) verifyPassword(r *http.Request, u phonegate.User, password string) (bool, error) {
	return s.svc.CheckPassword(r.Context(), u, password, s.passwordAsker(r))
}
