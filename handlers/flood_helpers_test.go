package handlers_test

import (
	"net/http"
	"net/url"
)

// forgetCookie drops the browser's cookie name, as a browser whose user
// cleared it would.
func (b *browser) forgetCookie(name string) {
	u, _ := url.Parse(b.h.http.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: name, Path: "/", MaxAge: -1}})
}

// from returns header arguments for post that make the request come from
// addr, through the loopback proxy the test server trusts.
func from(addr string) []string { return []string{"X-Forwarded-For", addr} }
