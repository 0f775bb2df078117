package web

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/phonegate/phonegate/handlers/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

// page is the layout's part of every page struct.
type page = httpx.Page

// pageData is any page struct.
type pageData = httpx.PageData

// when formats a time for people, in UTC.
func when(t time.Time) string { return httpx.When(t) }

// parseTemplates parses each page with the shared layout, once.
func parseTemplates() (*httpx.Templates, error) {
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	return httpx.ParseTemplates(sub, template.FuncMap{"agent": agentWords})
}

// render writes the named page, its layout filled in for the request
// (frame).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	if o := returnOrigin(s.nextPath(r)); o != "" {
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy("'self' "+o))
	}
	s.Frame(w, r, data.Base())
	if err := s.tpl.Execute(w, status, name, data); err != nil {
		s.log.Error().Err(err).Str("template", name).Msg("render")
	}
}

// Frame fills the layout's part of a page for the request: who is logged
// in, the CSRF token, the flash note. The dev phone's pages use it too.
func (s *Server) Frame(w http.ResponseWriter, r *http.Request, p *page) {
	if a := authFrom(r); a != nil {
		p.LoggedIn = a.token != ""
		p.Limited = p.LoggedIn && !s.fullSession(r, a)
		p.Email = a.user.Email
		p.CSRF = s.csrfToken(w, r)
	}
	p.DevMode = s.cfg.DevMode
	s.showFlash(w, r, p)
}
