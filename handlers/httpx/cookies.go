package httpx

// The names of the cookies that more than one room reads: the web room
// sets them, the forward-auth check reads them from the copy of the
// browser's request a proxy sends. With the __Host- prefix when the site
// is https, so that no other host or path can set them, or __Secure- when
// they are shared with a cookie domain.
const (
	sessionCookie = "phonegate_session"
	trustCookie   = "phonegate_trust"
	hostPrefix    = "__Host-"
)

// SessionCookie is the name of the session cookie on a site that is
// https (secure) or not, shared with the hosts of domain
// (PHONEGATE_COOKIE_DOMAIN) or "" for the gate's host only:
//
//   - https, own host: "__Host-phonegate_session".
//   - https, shared: "__Secure-phonegate_session" (the __Host- prefix
//     forbids a Domain; __Secure- still asks for Secure).
//   - http, own host: "phonegate_session".
//   - http, shared: "phonegate_shared_session", a name of its own, so that
//     a host-only cookie left from before the domain was set (same name,
//     other Domain) is never read in its place.
func SessionCookie(secure bool, domain string) string {
	switch {
	case secure && domain != "":
		return "__Secure-" + sessionCookie
	case secure:
		return hostPrefix + sessionCookie
	case domain != "":
		return "phonegate_shared_session"
	default:
		return sessionCookie
	}
}

// TrustCookie is the name of the trusted-computer cookie on a site that
// is https (secure) or not, shared with the hosts of domain or "" for the
// gate's host only, named as SessionCookie names the session cookie. It
// goes where the session cookie goes: the forward-auth check must see
// that a computer is trusted, or a session let in on that trust at the
// gate would be sent back to log in by every app (and from there, logged
// in already, back to the app).
func TrustCookie(secure bool, domain string) string {
	switch {
	case secure && domain != "":
		return "__Secure-" + trustCookie
	case secure:
		return hostPrefix + trustCookie
	case domain != "":
		return "phonegate_shared_trust"
	default:
		return trustCookie
	}
}
