package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/phonegate/phonegate"
)

// Every step between the login and the page asked for (the password, the
// code, enrollment, the emergency code) carries one "return to" value, in
// the "next" field of its forms and the "next" parameter of its
// redirects: a path on this site, or the URL of a protected app that the
// forward-auth check sent the browser here from (as "rd"). Once the steps
// are done the browser goes there; anything else goes to "/".

// nextPath returns where to go once the steps are done: the form's or the
// query's "next" (or the query's "rd", the name the forward-auth check
// gives it), when it is a path on this site (localPath) or the URL of a
// protected app (phonegate.Service.ReturnURL); else "/". It is read once
// per request.
func (s *Server) nextPath(r *http.Request) string {
	a := authFrom(r)
	if a != nil && a.next != "" {
		return a.next
	}
	v := r.PostFormValue("next")
	if v == "" {
		v = r.URL.Query().Get("next")
	}
	if v == "" {
		v = r.URL.Query().Get("rd")
	}
	next := s.returnTo(r.Context(), v)
	if a != nil {
		a.next = next
	}
	return next
}

// returnTo checks a "return to" value: a path on this site, or the URL of
// a protected app; "/" for anything else.
func (s *Server) returnTo(ctx context.Context, v string) string {
	if strings.HasPrefix(v, "/") {
		return localPath(v)
	}
	if rd, ok := s.svc.ReturnURL(ctx, v); ok {
		return rd
	}
	return "/"
}

// external reports whether next (as nextPath returns it) is an app's URL
// rather than a page of this site.
func external(next string) bool { return !strings.HasPrefix(next, "/") }

// withNext appends the request's "next" to path, for a redirect that must
// keep it.
func (s *Server) withNext(path string, r *http.Request) string {
	if next := s.nextPath(r); next != "/" {
		return path + "?next=" + urlQueryEscape(next)
	}
	return path
}

// continueTo returns where the request's session goes on to next. A page
// of this site is gated by its own route; an app's URL is gated here, by
// the gate's step first (the app's check would only send the browser
// back), with next kept.
func (s *Server) continueTo(r *http.Request, next string) (string, error) {
	if !external(next) {
		return next, nil
	}
	g, err := s.gate(r)
	if err != nil || g.step == "" {
		return next, err
	}
	return g.step + "?next=" + urlQueryEscape(next), nil
}

// continueLink is a link that goes on to next once the page is read: next
// itself for a page of this site, else the login page, which sends a
// logged-in session on (continueTo) with a 303.
func continueLink(next string) string {
	if external(next) {
		return loginPath(next)
	}
	return next
}

// returnOrigin is the origin of next when it is an app's URL, for the
// page's forms to be allowed to end there (formAction); "" otherwise.
func returnOrigin(next string) string {
	if !external(next) {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// localPath returns next when it is a path on this site, else "/": a
// "next" parameter must never send a user to another site. Browsers drop
// tabs and newlines from URLs and read a backslash as a slash, so
// "/\t/evil.example" would become "//evil.example": any control character
// or backslash, and anything that parses with a scheme or host, is refused.
func localPath(next string) string {
	if next == "" || next[0] != '/' || len(next) > 2048 || strings.ContainsAny(next, "\\") || !phonegate.CleanText(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(u.Path, "//") || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}
