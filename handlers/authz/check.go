package authz

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

// forward answers Caddy's forward_auth and Traefik's ForwardAuth: the
// original request comes in X-Forwarded-Method, -Proto, -Host and -Uri,
// and the proxy hands any answer but a 2xx back to the browser.
func (c *Checks) forward(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if !c.fromProxy(r) {
		forbidden(w, "")
		return
	}
	host := r.Header.Get("X-Forwarded-Host")
	res, err := c.authorize(r, host)
	if err != nil {
		c.log.Error().Err(err).Msg("forward auth")
		http.Error(w, "The gate cannot decide right now. Try again in a moment.", http.StatusServiceUnavailable)
		return
	}
	if res.Verdict == phonegate.VerdictAllow {
		allow(w, res) // the answer to almost every check: nothing else to read
		return
	}
	orig := originalURL(r.Header.Get("X-Forwarded-Proto"), host, r.Header.Get("X-Forwarded-Uri"))
	switch res.Verdict {
	case phonegate.VerdictLogin:
		if page(r.Header.Get("X-Forwarded-Method"), r) && orig != "" {
			http.Redirect(w, r, c.loginURL(orig), http.StatusFound)
			return
		}
		unauthorized(w)
	case phonegate.VerdictNotMember:
		forbidden(w, c.loginURL(orig))
	default:
		forbidden(w, "")
	}
}

// request answers nginx's auth_request: the original request comes in
// X-Original-URL and X-Original-Method, and nginx accepts only 2xx, 401
// and 403. A 401 for a page carries the login URL in Location, rd escaped,
// for the README's error_page 401 to send the browser there (nginx itself
// has no way to escape the original URL into a query); a 401 without it
// stays a 401. A fault of the gate is a 403: refused, not let through,
// and not a 500.
func (c *Checks) request(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	if !c.fromProxy(r) {
		forbidden(w, "")
		return
	}
	orig := r.Header.Get("X-Original-URL")
	u, err := url.Parse(orig)
	if err != nil || u.Host == "" {
		forbidden(w, "")
		return
	}
	res, err := c.authorize(r, u.Host)
	if err != nil {
		c.log.Error().Err(err).Msg("auth request")
		forbidden(w, "")
		return
	}
	switch res.Verdict {
	case phonegate.VerdictAllow:
		allow(w, res)
	case phonegate.VerdictLogin:
		if page(r.Header.Get("X-Original-Method"), r) {
			w.Header().Set("Location", c.loginURL(orig))
		}
		unauthorized(w)
	case phonegate.VerdictNotMember:
		forbidden(w, c.loginURL(orig))
	default:
		forbidden(w, "")
	}
}

// page reports whether the original request, of method ("" for GET), asks
// for a page, which a browser can be sent to log in for, rather than an
// API call, which gets a 401.
func page(method string, r *http.Request) bool {
	return (method == "" || method == http.MethodGet || method == http.MethodHead) && !wantsJSON(r)
}

// originalURL is the URL of the original request, "" when its parts do
// not make one.
func originalURL(proto, host, uri string) string {
	if proto != "http" && proto != "https" {
		proto = "https"
	}
	if host == "" || strings.ContainsAny(host, "/\\@ \t\r\n") {
		return ""
	}
	if uri == "" || uri[0] != '/' {
		uri = "/" + uri
	}
	return proto + "://" + host + uri
}

// loginURL is the gate's login page, which sends the browser back to
// orig once the session satisfies the project ("" for none).
func (c *Checks) loginURL(orig string) string {
	if orig == "" {
		return c.base + "/login"
	}
	return c.base + "/login?" + url.Values{"rd": {orig}}.Encode()
}

// wantsJSON reports whether the request asks for JSON rather than a page:
// an API call, which a login page would not help.
func wantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if mt == "application/json" || strings.HasSuffix(mt, "+json") {
			return true
		}
		if mt == "text/html" {
			return false
		}
	}
	return false
}
