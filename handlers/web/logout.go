package web

import (
	"net/http"
	"net/url"
)

// An app behind the gate links its "log out" to GET /logout?rd=<the
// app's URL>. A GET never logs out (a link or an image on any page could
// send it): the page asks, and its form posts POST /logout with rd as
// "next". Since the session cookie is shared by every app of the cookie
// domain, ending the session logs the browser out of all of them.

type logoutPage struct {
	page
	// Next is the app's URL that the logout goes back to, or "/" for the
	// login page when rd is not an app's URL that nextPath follows.
	Next string
	// App is the host of Next when it is an app's URL, for the page to
	// name it; "" otherwise.
	App string
	// Back is where the page's link leads instead of logging out: the
	// app, or else the gate's own pages (logged in) or its login.
	Back string
}

// logoutForm answers an app's "log out" link: with a session, a page that
// asks to confirm, whose form ends it; without one, a page that says so,
// with a link back to the app or to the login.
func (s *Server) logoutForm(w http.ResponseWriter, r *http.Request) error {
	next := s.nextPath(r)
	p := &logoutPage{page: page{Title: "Log out"}, Next: "/", Back: "/"}
	if external(next) {
		p.Next, p.Back = next, next
		if u, err := url.Parse(next); err == nil {
			p.App = u.Host
		}
	} else if authFrom(r).token == "" {
		p.Back = "/login"
	}
	if authFrom(r).token == "" {
		p.Title = "Not logged in"
	}
	s.render(w, r, http.StatusOK, "logout", p)
	return nil
}

// afterLogout sends a browser whose session just ended back to the app it
// logged out from (the form's "next", when nextPath follows it), or else
// to the login page. The login page says "Logged out.": at once, or when
// the app, which the browser can no longer reach, sends it there.
func (s *Server) afterLogout(w http.ResponseWriter, r *http.Request) {
	s.flash(w, r, flashSuccess, "Logged out.")
	if next := s.nextPath(r); external(next) {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
