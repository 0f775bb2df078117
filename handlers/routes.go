package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"
)

// access says what a route asks of the person who opens it. It decides
// the wrapping of the route's handler, so that a route cannot be listed as
// gated and registered without the gate.
type access int

const (
	// accessRaw routes are not pages: no session, no CSRF (health, static files).
	accessRaw access = iota
	// accessOpen routes need no session: login, setup, invites.
	accessOpen
	// accessPending routes need a session, even one still between the
	// password and the code: the code page, enrollment, the emergency-code
	// display and logout. Nothing else may be reached from there.
	accessPending
	// accessFull routes need a session that satisfies the two-factor level
	// of every project of the user.
	accessFull
)

func (a access) String() string {
	return [...]string{"raw", "open", "pending", "full"}[a]
}

// route is one row of the route table.
type route struct {
	method string
	path   string
	access access
	h      handlerFunc  // for every access but accessRaw
	raw    http.Handler // for accessRaw
}

// routeTable lists every route the server serves to browsers. It is the
// only place such routes are registered (routes walks it) and the table
// the route test walks to prove that a half-logged-in session reaches
// nothing but the pending routes. Twilio's webhooks and the dev phone are
// registered by twilioRoutes and checked by the same test.
func (s *Server) routeTable() []route {
	t := []route{
		{method: http.MethodGet, path: "/healthz", access: accessRaw, raw: http.HandlerFunc(s.healthz)},
		{method: http.MethodGet, path: "/static/*file", access: accessRaw, raw: http.StripPrefix("/static", staticHandler())},

		get("/setup", accessOpen, s.setupForm),
		post("/setup", accessOpen, s.setup),
		get("/login", accessOpen, s.loginForm),
		post("/login", accessOpen, s.login),
		post("/logout", accessPending, s.logout),
		get("/invite/:token", accessOpen, s.inviteForm),
		post("/invite/:token", accessOpen, s.acceptInvite),

		get("/", accessFull, s.home),
		post("/projects", accessFull, s.createProject),
		get("/projects/:id", accessFull, s.project),

		get("/account", accessFull, s.account),
		post("/account/password", accessFull, s.changePassword),
		post("/account/sessions/revoke", accessFull, s.revokeSession),
		post("/account/sessions/revoke-others", accessFull, s.revokeOtherSessions),
	}
	return append(t, s.twoFactorRoutes()...)
}

func get(path string, a access, h handlerFunc) route {
	return route{method: http.MethodGet, path: path, access: a, h: h}
}

func post(path string, a access, h handlerFunc) route {
	return route{method: http.MethodPost, path: path, access: a, h: h}
}

// wrap wraps a route's handler for its access.
func (s *Server) wrap(rt route) http.Handler {
	rt.h = s.guard(rt)
	switch rt.access {
	case accessRaw:
		return rt.raw
	case accessOpen:
		return noStore(s.browser(rt.h))
	// Every answer of a route behind login, its redirects and error pages
	// included, is kept out of every cache too: after logout the back
	// button must not show it again.
	case accessPending:
		return noStore(s.browser(s.requireSession(rt.h)))
	default:
		return noStore(s.browser(s.requireLogin(rt.h)))
	}
}

// routes registers every route. Browser routes go through s.browser
// (cross-origin protection, headers, session, CSRF); Twilio's go through
// the signature check; both through logRecover.
func (s *Server) routes() {
	r := httprouter.New()
	r.RedirectTrailingSlash = true
	r.HandleMethodNotAllowed = true
	r.PanicHandler = nil // logRecover handles panics for every route

	for _, rt := range s.routeTable() {
		h := s.wrap(rt)
		r.Handler(rt.method, rt.path, h)
		if rt.method == http.MethodGet {
			// HEAD answers as GET does, without the body (net/http drops it).
			r.Handler(http.MethodHead, rt.path, h)
		}
	}
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
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx, s.now()); err != nil {
		s.log.Warn().Err(err).Msg("health check: database does not answer")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
