// Package authz is the forward-auth room: the two endpoints a reverse
// proxy (Caddy's forward_auth, Traefik's ForwardAuth, nginx's
// auth_request) asks about every request to a protected app, answering
// from the domain service's verdict (phonegate.Service.Authorize).
package authz

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// Config is everything the check endpoints need. New checks it.
type Config struct {
	Service   *phonegate.Service
	Logger    zerolog.Logger
	PublicURL string // where browsers reach the gate's login page
	// TrustedProxies are the peers whose X-Forwarded-* and X-Original-*
	// headers are believed; nil means httpx.DefaultTrustedProxies.
	TrustedProxies httpx.Proxies
}

// Checks serves the forward-auth check endpoints.
type Checks struct {
	svc     *phonegate.Service
	log     zerolog.Logger
	base    string // the public URL, without its trailing slash
	session string // the session cookie's name
	trust   string // the trusted-computer cookie's name
	proxies httpx.Proxies
}

// New checks cfg and returns the check endpoints.
func New(cfg Config) (*Checks, error) {
	if cfg.Service == nil {
		return nil, errors.New("authz: Config.Service is required")
	}
	u, ok := httpx.BaseURL(cfg.PublicURL)
	if !ok {
		return nil, errors.New("authz: Config.PublicURL must be an absolute http or https URL")
	}
	if cfg.TrustedProxies == nil {
		cfg.TrustedProxies = httpx.DefaultTrustedProxies
	}
	secure, domain := u.Scheme == "https", cfg.Service.CookieDomain()
	return &Checks{svc: cfg.Service, log: cfg.Logger, base: u.String(), proxies: cfg.TrustedProxies,
		session: httpx.SessionCookie(secure, domain), trust: httpx.TrustCookie(secure, domain)}, nil
}

// Routes is the room's route table.
func (c *Checks) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: http.MethodGet, Path: "/auth/forward", Access: "authz", Handler: http.HandlerFunc(c.forward)},
		{Method: http.MethodGet, Path: "/auth/request", Access: "authz", Handler: http.HandlerFunc(c.request)},
	}
}

// cookie is the value of the request's cookie name, "" for none.
func cookie(r *http.Request, name string) string {
	if ck, err := r.Cookie(name); err == nil {
		return ck.Value
	}
	return ""
}

// fromProxy reports whether the peer is a trusted proxy, whose copy of
// the original request's headers is believed.
func (c *Checks) fromProxy(r *http.Request) bool {
	a := httpx.AddrOf(r.RemoteAddr)
	return a.IsValid() && c.proxies.Contains(a)
}

// authorize asks the service about the original request to host.
func (c *Checks) authorize(r *http.Request, host string) (phonegate.AuthzResult, error) {
	return c.svc.Authorize(r.Context(), cookie(r, c.session), cookie(r, c.trust), host)
}

// allow answers 200 with who the user is, for the proxy to pass on.
func allow(w http.ResponseWriter, res phonegate.AuthzResult) {
	// The five values share one array: this answer is given for every
	// request to every protected app. The names are in canonical form.
	v := [...]string{res.User.Email, res.User.Email, displayName(res.User.Email), res.Role, res.Project.Name}
	h := w.Header()
	h["Remote-User"], h["Remote-Email"], h["Remote-Name"] = v[0:1:1], v[1:2:2], v[2:3:3]
	h["Remote-Groups"], h["Remote-Project"] = v[3:4:4], v[4:5:5]
	w.WriteHeader(http.StatusOK)
}

// displayName is the name an app shows for the user: the part of the
// email before the @, since accounts carry no other name.
func displayName(email string) string {
	name, _, _ := strings.Cut(email, "@")
	return name
}

// noStore marks the answer as one no cache may keep: it is about one
// browser's session at one moment.
func noStore(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// unauthorized answers 401: log in first.
func unauthorized(w http.ResponseWriter) {
	http.Error(w, "Log in first.", http.StatusUnauthorized)
}
