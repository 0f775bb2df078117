// Package httpx holds what phonegate's HTTP rooms share at request time:
// the one table of statuses for the domain's errors, the page layout with
// its stylesheet and scripts, and the client's address behind trusted
// proxies. It imports the domain and no room.
package httpx

import (
	"net/http"
	"net/url"
	"strings"
)

// HandlerFunc is a handler that returns its error, so that errors are
// logged and turned into a status in one place.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one row of a room's route table: the router registers it as
// given, and the route test reads its access.
type Route struct {
	Method  string
	Path    string
	Access  string // who may open it: "raw", "open", "pending", "full", "twilio", "dev", "authz" or "api"
	Handler http.Handler
}

// BaseURL is a room's public URL (its Config.PublicURL) without its
// trailing slash; ok is false unless it is an absolute http or https URL.
func BaseURL(publicURL string) (u *url.URL, ok bool) {
	u, err := url.Parse(strings.TrimRight(publicURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}
