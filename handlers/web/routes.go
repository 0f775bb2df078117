package web

import (
	"context"
	"net/http"
	"time"

	"github.com/phonegate/phonegate/handlers/httpx"
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
	h      httpx.HandlerFunc // for every access but accessRaw
	raw    http.Handler      // for accessRaw
}

// routeTable lists every route the server serves to browsers. The router
// registers it through Routes, with the other rooms' tables, and the route
// test walks it to prove that a half-logged-in session reaches nothing but
// the pending routes.
func (s *Server) routeTable() []route {
	t := []route{
		{method: http.MethodGet, path: "/healthz", access: accessRaw, raw: http.HandlerFunc(s.healthz)},
		{method: http.MethodGet, path: "/static/*file", access: accessRaw, raw: http.StripPrefix("/static", httpx.Static())},

		get("/setup", accessOpen, s.setupForm),
		post("/setup", accessOpen, s.setup),
		get("/login", accessOpen, s.loginForm),
		post("/login", accessOpen, s.login),
		get("/logout", accessOpen, s.logoutForm),
		post("/logout", accessPending, s.logout),
		get("/invite/:token", accessOpen, s.inviteForm),
		post("/invite/:token", accessOpen, s.acceptInvite),

		get("/", accessFull, s.home),
		post("/projects", accessFull, s.createProject),
		get("/projects/:id", accessFull, s.project),
		get("/projects/:id/verify/:sid", accessFull, s.verifyService),

		get("/account", accessFull, s.account),
		post("/account/password", accessFull, s.changePassword),
		post("/account/sessions/revoke", accessFull, s.revokeSession),
		post("/account/sessions/revoke-others", accessFull, s.revokeOtherSessions),
	}
	t = append(t, s.factorRoutes()...)
	return append(t, s.twoFactorRoutes()...)
}

func get(path string, a access, h httpx.HandlerFunc) route {
	return route{method: http.MethodGet, path: path, access: a, h: h}
}

func post(path string, a access, h httpx.HandlerFunc) route {
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

// Routes returns the pages' route table, each handler wrapped for its
// access (browser protection, the session, the gate), for the router to
// register as given.
func (s *Server) Routes() []httpx.Route {
	var out []httpx.Route
	for _, rt := range s.routeTable() {
		out = append(out, httpx.Route{Method: rt.method, Path: rt.path, Access: rt.access.String(), Handler: s.wrap(rt)})
	}
	return out
}

// NotFound answers a path no route has, as a page.
func (s *Server) NotFound() http.Handler {
	return s.browser(func(w http.ResponseWriter, r *http.Request) error { return httpx.ErrNotFound })
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

// twoFactorRoutes lists the enrollment, code, settings, members, audit and
// account-security routes. The pending ones are all a session between the
// password and the code can reach, with logout.
func (s *Server) twoFactorRoutes() []route {
	return []route{
		get("/verify", accessPending, s.verifyForm),
		post("/verify", accessPending, s.verifyCode),
		post("/verify/send", accessPending, s.verifySend),
		post("/verify/emergency", accessPending, s.verifyEmergency),
		get("/verify/status", accessPending, s.verifyStatusJSON),
		get("/phone", accessPending, s.phoneForm),
		post("/phone", accessPending, s.enroll),
		post("/phone/recovery", accessPending, s.useRecovery),
		get("/phone/done", accessPending, s.emergencyDone),

		get("/projects/:id/settings", accessFull, s.settings),
		post("/projects/:id/settings/authenticate", accessFull, s.settingsAuthenticate),
		post("/projects/:id/settings", accessFull, s.saveSettings),
		post("/projects/:id/rename", accessFull, s.renameProject),
		post("/projects/:id/sites", accessFull, s.addSite),
		post("/projects/:id/sites/remove", accessFull, s.removeSite),
		post("/projects/:id/apikeys", accessFull, s.createAPIKey),
		post("/projects/:id/apikeys/revoke", accessFull, s.revokeAPIKey),
		get("/projects/:id/apikeys/created", accessFull, s.apiKeyCreated),
		get("/projects/:id/members", accessFull, s.members),
		post("/projects/:id/members", accessFull, s.addMember),
		post("/projects/:id/members/role", accessFull, s.changeRole),
		post("/projects/:id/members/remove", accessFull, s.removeMember),
		post("/projects/:id/members/reset", accessFull, s.resetMember),
		get("/projects/:id/members/confirm", accessFull, s.confirmMember),
		get("/projects/:id/invited", accessFull, s.invited),
		get("/projects/:id/recovery", accessFull, s.recoveryShown),
		post("/projects/:id/accept", accessFull, s.acceptInvitation),
		post("/projects/:id/decline", accessFull, s.declineInvitation),
		get("/projects/:id/audit", accessFull, s.auditLog),

		post("/account/phone", accessFull, s.changePhone),
		post("/account/emergency", accessFull, s.regenerateEmergency),
		post("/account/trusted/revoke", accessFull, s.revokeTrusted),
	}
}
