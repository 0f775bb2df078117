package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// errBadLogin is the one message for an unknown email, a wrong password and
// a throttled account, so that none can be told from the others.
const errBadLogin = "That email and password do not match an account."

type loginPage struct {
	page
	EmailValue string
	Next       string
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if authFrom(r).token != "" {
		// A logged-in session sent back here by an app goes on to it, by
		// the steps it still lacks; else home, as always.
		dest := "/"
		if next := s.nextPath(r); external(next) {
			var err error
			if dest, err = s.continueTo(r, next); err != nil {
				return err
			}
		}
		http.Redirect(w, r, dest, http.StatusSeeOther)
		return nil
	}
	n, err := s.db.CountUsers(r.Context())
	if err != nil {
		return err
	}
	p := &loginPage{page: page{Title: "Log in"}, Next: s.nextPath(r), EmailValue: s.typed(r).Get("email")}
	if n == 0 {
		p.Flash = "No account exists yet: open the setup link printed in the server's log."
	}
	s.render(w, r, http.StatusOK, "login", p)
	return nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := s.nextPath(r)
	u, ok, err := s.checkPassword(r, email, password)
	if err != nil {
		return err
	}
	if !ok {
		return s.formError(w, r, loginPath(next), "", errBadLogin, url.Values{"email": {email}})
	}
	if err := s.auditLogin(r, u); err != nil {
		return err
	}
	if _, err := s.startSession(w, r, u); err != nil {
		return err
	}
	s.rememberDevice(w, r, u.ID)
	s.log.Info().Int64("user", u.ID).Msg("login")
	dest, err := s.continueTo(r, next)
	if err != nil {
		return err
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}

// msgWrongPassword answers a wrong password where a logged-in user typed
// it again to confirm a change. A throttled account gets it too, so that
// the throttle cannot be told from a wrong password.
const msgWrongPassword = "That password is not right."

// checkPassword verifies email and password at login (the service's
// CheckLogin).
func (s *Server) checkPassword(r *http.Request, email, password string) (phonegate.User, bool, error) {
	return s.svc.CheckLogin(r.Context(), email, password, s.passwordAsker(r))
}

// recheckPassword verifies the password that the logged-in user typed
// again to change something sensitive: the password, the phone, the
// emergency code, a project's settings. It is the one way to do so, so
// that a wrong password there counts toward the same limits as a wrong one
// at login, and toward the per-address limit of re-checks; the caller
// answers false with 401 and msgWrongPassword on its page.
func (s *Server) recheckPassword(r *http.Request, password string) (bool, error) {
	id, err := s.takeAttempt(r, limitRecheck)
	if err != nil {
		return false, err
	}
	ok, err := s.verifyPassword(r, authFrom(r).user, password)
	if ok || err != nil { // only a wrong password is a failure
		s.forgetAttempt(r, id)
	}
	return ok, err
}

// loginPath is the login page that goes on to next after the login.
func loginPath(next string) string {
	if next == "/" {
		return "/login"
	}
	return "/login?next=" + urlQueryEscape(next)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if a := authFrom(r); a.token != "" {
		if err := s.svc.LogOut(r.Context(), a.token); err != nil {
			return err
		}
	}
	// The cookie stays, naming a session that no longer exists: a form
	// posted from a page left open says "logged out", not "forged".
	s.afterLogout(w, r)
	return nil
}

type setupPage struct {
	page
	Token      string
	EmailValue string
	Project    string
}

func (s *Server) setupForm(w http.ResponseWriter, r *http.Request) error {
	token := r.URL.Query().Get("token")
	ok, err := s.svc.SetupAllowed(r.Context(), token)
	if err != nil {
		return err
	}
	if !ok {
		return s.setupGone(w, r)
	}
	typed := s.typed(r)
	s.render(w, r, http.StatusOK, "setup", &setupPage{page: page{Title: "Set up phonegate"}, Token: token,
		EmailValue: typed.Get("email"), Project: typed.Get("project")})
	return nil
}

// setupGone is the answer to a setup link that does not work: once an
// account exists, the link was used, and the page says that setup is done
// and links to the login (410); before, a wrong link finds nothing.
func (s *Server) setupGone(w http.ResponseWriter, r *http.Request) error {
	n, err := s.db.CountUsers(r.Context())
	if err != nil {
		return err
	}
	if n == 0 {
		return httpx.ErrNotFound
	}
	s.render(w, r, http.StatusGone, "error", &errorPage{page: page{Title: "Setup is done"}, Status: http.StatusGone,
		Heading: "Setup is done", Message: msgSetupDone, LinkHref: "/login", LinkText: "Log in"})
	return nil
}

// msgSetupDone says that the first account exists, once setup is done.
const msgSetupDone = "Setup is done: log in."

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	token := r.PostFormValue("token")
	if token == "" {
		token = r.URL.Query().Get("token")
	}
	ok, err := s.svc.SetupAllowed(r.Context(), token)
	if err != nil {
		return err
	}
	if !ok {
		return s.setupGone(w, r)
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	project := strings.TrimSpace(r.PostFormValue("project"))
	u, err := s.svc.SetUp(r.Context(), email, password, project)
	if e, ok := errors.AsType[*phonegate.Error](err); ok && e.Code == phonegate.EInvalid {
		return s.formError(w, r, "/setup?token="+urlQueryEscape(token), "", e.Message,
			url.Values{"email": {email}, "project": {project}})
	}
	if errors.Is(err, phonegate.ErrConflict) {
		return s.setupGone(w, r)
	}
	if err != nil {
		return err
	}
	// This browser proved the password: it is the owner's device.
	s.rememberDevice(w, r, u.ID)
	// The owner logs in with the password just chosen, as every login
	// will: setup proves the link, the login proves the password.
	s.flashForm(w, r, flashSuccess, "Setup done: log in.", "", url.Values{"email": {email}})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

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
