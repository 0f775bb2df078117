package handlers

import (
	"net/http"

	"github.com/julienschmidt/httprouter"
)

// routes registers every route. Browser routes go through s.browser
// (cross-origin protection, headers, session, CSRF); Twilio's go through
// the signature check; both through logRecover.
func (s *Server) routes() {
	r := httprouter.New()
	r.RedirectTrailingSlash = true
	r.HandleMethodNotAllowed = true
	r.PanicHandler = nil // logRecover handles panics for every route

	get := func(path string, h handlerFunc) { r.Handler(http.MethodGet, path, s.browser(h)) }
	post := func(path string, h handlerFunc) { r.Handler(http.MethodPost, path, s.browser(h)) }

	r.Handler(http.MethodGet, "/healthz", http.HandlerFunc(s.healthz))
	r.Handler(http.MethodGet, "/static/*file", http.StripPrefix("/static", staticHandler()))

	get("/setup", s.setupForm)
	post("/setup", s.setup)
	get("/login", s.loginForm)
	post("/login", s.login)
	post("/logout", s.logout)
	get("/invite/:token", s.inviteForm)
	post("/invite/:token", s.acceptInvite)

	get("/", s.requireLogin(s.home))
	post("/projects", s.requireLogin(s.createProject))
	get("/projects/:id", s.requireLogin(s.project))

	get("/account", s.requireLogin(s.account))
	post("/account/password", s.requireLogin(s.changePassword))
	post("/account/sessions/revoke", s.requireLogin(s.revokeSession))

	s.twoFactorRoutes(r, get, post)
	s.twilioRoutes(r)

	r.NotFound = s.browser(func(w http.ResponseWriter, r *http.Request) error { return errNotFound })
	r.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
	})
	s.router = r
	s.handler = s.logRecover(r)
}

// healthz answers 200 when the database answers, 503 when it does not.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Warn().Err(err).Msg("health check: database does not answer")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
