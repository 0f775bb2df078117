package web

import (
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
)

// startSession starts a session of u (the service's StartSession) and
// sets its cookie; any session the browser had ends first.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u phonegate.User) (string, error) {
	a := authFrom(r)
	old := ""
	if a != nil {
		old = a.token
	}
	token, sess, err := s.svc.StartSession(r.Context(), u, old, truncate(r.UserAgent(), 200))
	if err != nil {
		return "", err
	}
	s.setSessionCookie(w, token)
	if a != nil {
		a.token, a.sess, a.user = token, sess, u
	}
	return token, nil
}

// renewSession gives the current session a new token and CSRF token (after
// the second factor), recording mfaAt when it is not zero.
func (s *Server) renewSession(w http.ResponseWriter, r *http.Request, mfaAt time.Time) error {
	a := authFrom(r)
	token, csrf, err := s.svc.RenewSession(r.Context(), a.token, mfaAt)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	a.token, a.sess.TokenHash, a.sess.CSRFToken = token, phonegate.HashToken(token), csrf
	if !mfaAt.IsZero() {
		a.sess.MFAAt = mfaAt
	}
	return nil
}

// setSessionCookie sets the session cookie. It has no expiry: the server
// decides when a session ends; the cookie goes when the browser closes or
// the server forgets the token. With a cookie domain it names it, so that
// the browser sends it to the apps there too; the other cookies stay this
// host's.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookie, Value: token, Path: "/", Domain: s.domain, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	s.setCookie(w, name, "", -time.Second)
}

// setCookie sets one of this server's cookies, all alike but for their
// life: HttpOnly, SameSite=Lax, Secure over https, for every path. A life
// of 0 makes a cookie that lasts until the browser closes; a negative one
// deletes it.
func (s *Server) setCookie(w http.ResponseWriter, name, value string, life time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge(life), HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// maxAge is a cookie's Max-Age for life: 0 until the browser closes, -1
// (delete it now) for a negative life.
func maxAge(life time.Duration) int {
	if life < 0 {
		return -1
	}
	return int(life / time.Second)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
