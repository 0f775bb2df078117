package httpx

// SessionCookie is the session cookie's name, which every room that reads
// the session (the pages, the check endpoints) must agree on. secure is a
// public URL on https; domain is the cookie domain the cookie is shared
// with, "" for the gate's host only.
//
//   - https, own host: "__Host-phonegate_session", which the browser
//     keeps to that host, so that no subdomain can plant or read one.
//   - https, shared: "__Secure-phonegate_session" (the __Host- prefix
//     forbids a Domain; __Secure- still asks for Secure).
//   - http, own host: "phonegate_session".
//   - http, shared: "phonegate_shared_session", a name of its own, so that
//     a host-only cookie left from before the domain was set (same name,
//     other Domain) is never read in its place.
func SessionCookie(secure bool, domain string) string {
	switch {
	case secure && domain != "":
		return "__Secure-phonegate_session"
	case secure:
		return "__Host-phonegate_session"
	case domain != "":
		return "phonegate_shared_session"
	default:
		return "phonegate_session"
	}
}
