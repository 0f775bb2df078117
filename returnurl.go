package phonegate

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// maxReturnURL is the longest return URL a login follows.
const maxReturnURL = 2048

// ReturnURL checks rd, the absolute URL of a protected app that a login
// goes back to once done (the forward-auth check sends the browser to the
// login page with it), and returns it as it is to be followed, its scheme
// and host in lower case. ok is false, and the login ends on the gate's
// own pages, unless rd is https (or http, in dev mode or when PUBLIC_URL
// is http itself) and its host is a protected site (SiteProject): a login
// never sends a user to another site. What a browser could read otherwise
// than this check is refused rather than repaired: anything but printable
// ASCII (browsers drop tabs and newlines), backslashes (read as slashes),
// userinfo, and a host of anything but letters, digits, dots, hyphens and
// a port (no percent-encoding, no address in brackets).
func (s *Service) ReturnURL(ctx context.Context, rd string) (string, bool) {
	if len(rd) > maxReturnURL {
		return "", false
	}
	for i := 0; i < len(rd); i++ {
		if rd[i] <= ' ' || rd[i] >= 0x7f || rd[i] == '\\' {
			return "", false
		}
	}
	scheme, rest, ok := strings.Cut(rd, "://")
	scheme = strings.ToLower(scheme)
	if !ok || scheme != "https" && (scheme != "http" || !s.httpReturn()) {
		return "", false
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := strings.ToLower(rest[:end]), rest[end:]
	if !plainAuthority(authority) {
		return "", false
	}
	_, err := s.SiteProject(ctx, authority)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			s.log.Warn().Err(err).Msg("return URL not checked")
		}
		return "", false
	}
	return scheme + "://" + authority + tail, true
}

// httpReturn reports whether a return URL may be plain http: in dev mode,
// or when the gate itself is served over http.
func (s *Service) httpReturn() bool { return s.cfg.DevMode || s.public.Scheme == "http" }

// plainAuthority reports whether a (lower case) is a hostname of letters,
// digits, dots and hyphens, with at most a port of digits after one colon.
func plainAuthority(a string) bool {
	host, port, hasPort := strings.Cut(a, ":")
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
			return false
		}
	}
	if host == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
