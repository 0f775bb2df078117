// Package verify is the Verify v2 API room (DESIGN §8): Twilio's paths,
// form parameters, JSON fields and error JSON, so that apps written
// against Twilio's helper libraries reach phonegate by changing only the
// base URL and the credentials. Every route authenticates with an API key
// (auth.go) and calls the domain service; what the routes share (errors,
// JSON, paging, forms, the service lookup) is in this package's helpers.
package verify

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// Config is everything the API needs. New checks it.
type Config struct {
	Service *phonegate.Service
	Logger  zerolog.Logger
	// PublicURL is where apps reach the API: the base of the url, links
	// and paging URLs of every answer.
	PublicURL string
	// TrustedProxies are the peers whose X-Forwarded-For names the client,
	// for the limits of failed authentications; nil means
	// httpx.DefaultTrustedProxies.
	TrustedProxies httpx.Proxies
}

// API serves the Verify v2 routes.
type API struct {
	svc     *phonegate.Service
	log     zerolog.Logger
	base    string // the public URL, without its trailing slash
	proxies httpx.Proxies
	now     func() time.Time
}

// New checks cfg and returns the API.
func New(cfg Config) (*API, error) {
	if cfg.Service == nil {
		return nil, errors.New("verify: Config.Service is required")
	}
	u, ok := httpx.BaseURL(cfg.PublicURL)
	if !ok {
		return nil, errors.New("verify: Config.PublicURL must be an absolute http or https URL")
	}
	if cfg.TrustedProxies == nil {
		cfg.TrustedProxies = httpx.DefaultTrustedProxies
	}
	return &API{svc: cfg.Service, log: cfg.Logger, base: u.String(), proxies: cfg.TrustedProxies, now: cfg.Service.Now}, nil
}

// Access is the access of every route of the room in the route table:
// an API key, checked by the room itself.
const Access = "api"

// handler is a route of the API: it runs once the request's API key is
// checked, for the principal p, and returns its error for fail to answer.
type handler func(w http.ResponseWriter, r *http.Request, p phonegate.APIPrincipal) error

// route is one row of the route table, behind the API key check.
func (a *API) route(method, path string, h handler) httpx.Route {
	return httpx.Route{Method: method, Path: path, Access: Access, Handler: a.authed(h)}
}

// Routes is the room's route table. The service of a path is its "sid"
// parameter (param(r, "sid")).
func (a *API) Routes() []httpx.Route {
	return append(a.serviceRoutes(), a.verificationRoutes()...)
}

// param is the path parameter name of r.
func param(r *http.Request, name string) string {
	return httprouter.ParamsFromContext(r.Context()).ByName(name)
}

// url is the absolute URL of path on the API.
func (a *API) url(path string) string { return a.base + path }

// NotFound answers the paths under /v2/ that no route serves (resources
// of Verify that phonegate has not, such as RateLimits or Webhooks) with
// Twilio's 404 JSON, which Twilio's clients can read, and hands every
// other path to next.
func (a *API) NotFound(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v2/") {
			next.ServeHTTP(w, r)
			return
		}
		writeError(w, notFound(r))
	})
}
