package phonegate

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// CheckCookieDomain reads a cookie domain (PHONEGATE_COOKIE_DOMAIN) for
// the gate whose public URL is publicURL, and returns it as the session
// cookie's Domain will name it: lower case, without a leading or trailing
// dot. The session cookie is then sent to every host of that domain, so
// that a reverse proxy in front of an app there can pass it to the check
// (DESIGN §7). "" stays "" (a cookie for the gate's own host only). A
// domain that is not a hostname of at least two labels, a public suffix
// (co.uk, github.io: browsers refuse a cookie for one), or that does not
// cover the public URL's host (the browser would refuse a cookie the gate
// sets for a domain it is not in), is an error that says so.
func CheckCookieDomain(domain, publicURL string) (string, error) {
	d := strings.TrimPrefix(strings.TrimSpace(domain), ".")
	if d == "" {
		return "", nil
	}
	n := RequestHost(d)
	if n == "" || strings.Contains(d, ":") {
		return "", fmt.Errorf("the cookie domain must be a domain name such as example.com, got %q", domain)
	}
	if ps, _ := publicsuffix.PublicSuffix(n); ps == n {
		return "", fmt.Errorf("the cookie domain %s is a public suffix, under which anyone may register a site: browsers refuse a cookie for it; use your own domain below it, such as example.%s", n, n)
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("the cookie domain %s needs an absolute public URL, got %q", n, publicURL)
	}
	if h := RequestHost(u.Host); !InCookieDomain(n, h) {
		return "", fmt.Errorf("the cookie domain %s does not cover the public URL's host %s: browsers refuse a cookie for a domain the site that sets it is not in; use a public URL under %s, or a domain that contains %s",
			n, u.Hostname(), n, u.Hostname())
	}
	return n, nil
}

// InCookieDomain reports whether host (a hostname as sites are stored,
// possibly "*." and a domain) is domain itself or a name below it, so
// that a cookie for domain reaches it. Labels are compared whole:
// "example.com" covers "app.example.com", not "app.myexample.com".
func InCookieDomain(domain, host string) bool {
	if domain == "" || host == "" {
		return false
	}
	host = strings.TrimPrefix(host, "*.")
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// CookieDomain returns the domain the session cookie is shared with
// (Config.CookieDomain, as checked), "" when it names the gate's host
// only.
func (s *Service) CookieDomain() string { return s.cookieDomain }

// checkSiteDomain refuses a protected site h that the shared session
// cookie cannot reach: the browser would not send it there, so the
// proxy in front of the app could never show the gate who is logged in.
// Without a cookie domain every host is accepted, as before one existed.
func (s *Service) checkSiteDomain(h string) error {
	if s.cookieDomain == "" || InCookieDomain(s.cookieDomain, h) {
		return nil
	}
	return &Error{Code: EInvalid, Message: fmt.Sprintf(
		"%s is outside the cookie domain %s (PHONEGATE_COOKIE_DOMAIN): browsers would not send the login cookie there, so nobody could get past the gate to it. Use a host under %s.",
		h, s.cookieDomain, s.cookieDomain)}
}
