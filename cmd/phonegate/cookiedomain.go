package main

import "github.com/phonegate/phonegate"

// checkCookieDomainAt checks PHONEGATE_COOKIE_DOMAIN against pub, the
// public URL the server runs under once it is known (PUBLIC_URL, an ngrok
// tunnel or the local address), as a usage error that names the variable
// a user sets rather than the server's configuration. Without PUBLIC_URL
// the gate's local address is outside any cookie domain: the error says
// to set PUBLIC_URL.
func checkCookieDomainAt(cfg config, pub string) error {
	if cfg.CookieDomain == "" {
		return nil
	}
	_, err := phonegate.CheckCookieDomain(cfg.CookieDomain, pub)
	switch {
	case err == nil:
		return nil
	case cfg.PublicURL == "":
		d := cfg.CookieDomain
		return usagef("PHONEGATE_COOKIE_DOMAIN: the cookie domain %s needs the gate served under it, but PUBLIC_URL is unset and the gate is at %s: set PUBLIC_URL to the gate's URL under %s, such as https://gate.%s", d, pub, d, d)
	default:
		return usagef("PHONEGATE_COOKIE_DOMAIN: %v", err)
	}
}
