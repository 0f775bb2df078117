package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// authCtx is what the session middleware learned about a request.
type authCtx struct {
	sess  phonegate.Session
	user  phonegate.User
	token string // the session token from the cookie
	// anonCSRF is the CSRF token of a visitor without a session.
	anonCSRF string
	// ended reports a session cookie that no longer names a session: the
	// browser was logged in and is not any more (logout, expiry, a revoke).
	ended bool
	// full is set once the gate let the session through to a full route.
	full bool
	// next is the request's "return to" value, once read (nextPath).
	next string
}

type ctxKey struct{}

func authFrom(r *http.Request) *authCtx {
	a, _ := r.Context().Value(ctxKey{}).(*authCtx)
	return a
}

// securityHeaders sets the headers every browser response carries.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy("'self'"))
		h.Set("X-Content-Type-Options", "nosniff")
		// No Referer leaves the gate (its URLs can carry invite tokens and
		// return addresses), but a form's own origin is still sent in
		// Origin: with no-referrer a browser sends "Origin: null" on every
		// POST, and where it sends no Sec-Fetch-Site either (plain http on
		// a host other than localhost) the cross-origin check refused
		// every form.
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is every page's policy, its forms allowed to go
// to formAction. Browsers hold a form's redirects to it too, so a page that
// returns to an app once its form is done allows the app's origin
// (render).
func contentSecurityPolicy(formAction string) string {
	return "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"form-action " + formAction + "; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
}

// browser wraps a browser route: cross-origin protection, security headers,
// the session (if any) and the CSRF token check on unsafe methods.
func (s *Server) browser(h httpx.HandlerFunc) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.loadSession(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, a))
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.errorPage(w, r, http.StatusRequestEntityTooLarge, "That form was too large to accept. Nothing was changed.")
					return
				}
				s.errorPage(w, r, http.StatusBadRequest, "That form could not be read. Go back, reload the page and try again.")
				return
			}
			if !s.csrfOK(r, a) {
				if a.ended {
					s.loggedOutPage(w, r)
					return
				}
				s.forbidden(w, r, "This form has expired or did not come from this site. Go back, reload the page and try again.")
				return
			}
		}
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
	return s.securityHeaders(s.cop.Handler(inner))
}

// newCrossOriginProtection returns the cross-origin check every browser
// route shares, answering a refusal with a page in words.
func (s *Server) newCrossOriginProtection() *http.CrossOriginProtection {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.forbidden(w, r, "This form was sent from another site and has been refused.")
	}))
	return cop
}

// csrfOK checks the form's csrf_token against the session's, or against
// the anonymous CSRF cookie for a visitor who has not logged in yet.
func (s *Server) csrfOK(r *http.Request, a *authCtx) bool {
	got := r.PostFormValue("csrf_token")
	want := a.anonCSRF
	if a.token != "" {
		want = a.sess.CSRFToken
	}
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

const maxFormBytes = 64 << 10

// loadSession reads the session cookie and returns what it says; a missing
// or dead session gives an anonymous authCtx, not an error. A dead
// session's cookie is left in the browser, so that a form posted later
// from one of its pages can be told apart from a forged one (authCtx.ended).
func (s *Server) loadSession(w http.ResponseWriter, r *http.Request) (*authCtx, error) {
	a := &authCtx{}
	if c, err := r.Cookie(s.cookie); err == nil && c.Value != "" {
		sess, u, err := s.svc.OpenSession(r.Context(), c.Value)
		switch {
		case err == nil:
			a.sess, a.user, a.token = sess, u, c.Value
			return a, nil
		case errors.Is(err, phonegate.ErrNoSession):
			a.ended = true
		default:
			return nil, err
		}
	}
	if c, err := r.Cookie(s.anonCookie()); err == nil && len(c.Value) >= 16 {
		a.anonCSRF = c.Value
	}
	return a, nil
}

// anonCSRFCookie holds the CSRF token of forms shown before login (login,
// setup, invites): a double-submit token, since there is no session yet.
const anonCSRFCookie = "phonegate_csrf"

// anonCookie is the anonymous CSRF cookie's name: with the __Host- prefix
// over https, so that no subdomain can plant one.
func (s *Server) anonCookie() string {
	if s.secure {
		return "__Host-" + anonCSRFCookie
	}
	return anonCSRFCookie
}

// anonToken returns the visitor's anonymous CSRF token, setting the cookie
// when there is none yet.
func (s *Server) anonToken(w http.ResponseWriter, a *authCtx) string {
	if a.anonCSRF == "" {
		a.anonCSRF = s.svc.NewCSRFToken()
		s.setCookie(w, s.anonCookie(), a.anonCSRF, 0)
	}
	return a.anonCSRF
}

// csrfToken returns the token the page's forms must carry.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	a := authFrom(r)
	if a.token != "" {
		return a.sess.CSRFToken
	}
	return s.anonToken(w, a)
}

// requireLogin wraps a route that needs a logged-in user who has passed
// every second factor their projects ask for.
func (s *Server) requireLogin(h httpx.HandlerFunc) httpx.HandlerFunc {
	return s.requireSession(func(w http.ResponseWriter, r *http.Request) error {
		next, err := s.secondFactorStep(r)
		if err != nil {
			return err
		}
		if next != "" {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return nil
		}
		authFrom(r).full = true
		return h(w, r)
	})
}

// requireSession wraps a route that needs a session, even one still
// between the password and the code (the code and enrollment pages).
func (s *Server) requireSession(h httpx.HandlerFunc) httpx.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if authFrom(r).token == "" {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			} else {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
			}
			return nil
		}
		return h(w, r)
	}
}
