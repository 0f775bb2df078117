package httpx

// The names of the cookies that more than one room reads: the web room
// sets them, the forward-auth check reads them from the copy of the
// browser's request a proxy sends. With the __Host- prefix when the site
// is https, so that no other host or path can set them.
const (
	sessionCookie = "phonegate_session"
	trustCookie   = "phonegate_trust"
	hostPrefix    = "__Host-"
)

// SessionCookie is the name of the session cookie on a site that is
// https (secure) or not.
func SessionCookie(secure bool) string {
	if secure {
		return hostPrefix + sessionCookie
	}
	return sessionCookie
}

// TrustCookie is the name of the trusted-computer cookie on a site that
// is https (secure) or not.
func TrustCookie(secure bool) string {
	if secure {
		return hostPrefix + trustCookie
	}
	return trustCookie
}
