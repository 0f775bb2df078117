package handlers

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// page is embedded in every page's struct: what the layout needs.
type page struct {
	Title    string
	CSRF     string
	LoggedIn bool
	Email    string
	DevMode  bool
	Flash    string
	Error    string
	// ErrorFor names the form Error concerns on a page with several
	// (flashForm); the layout shows Error on top only when it is empty.
	ErrorFor string

	// Limited is set for a session that must pass a step (a code, a phone,
	// a new emergency code) before the pages behind login open: the header
	// then offers only what it can reach.
	Limited bool
}

// pageData lets render fill the layout fields of any page struct.
type pageData interface{ base() *page }

func (p *page) base() *page { return p }

type templates struct {
	pages map[string]*template.Template
}

// when formats a time for people, in UTC.
func when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

var funcs = template.FuncMap{
	"when":       when,
	"agent":      agentWords,
	"levelLabel": func(l string) string { return phonegate.Level(l).Label() },
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

// parseTemplates parses each page with the shared layout, once.
func parseTemplates() (*templates, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("handlers: templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		c, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("handlers: template %s: %w", name, err)
		}
		t.pages[name] = c
	}
	return t, nil
}

// render writes the named page into a buffer first, so that a template
// error gives a clean error page instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data pageData) {
	t, ok := s.tpl.pages[name]
	if !ok {
		panic("handlers: no template " + name)
	}
	p := data.base()
	if a := authFrom(r); a != nil {
		p.LoggedIn = a.token != ""
		p.Limited = p.LoggedIn && !s.fullSession(r, a)
		p.Email = a.user.Email
		p.CSRF = s.csrfToken(w, r)
	}
	p.DevMode = s.cfg.DevMode
	s.showFlash(w, r, p)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.log.Error().Err(err).Str("template", name).Msg("render")
		http.Error(w, msgInternal, errorStatuses[phonegate.EInternal])
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// staticHandler serves the embedded stylesheet and script.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fsrv.ServeHTTP(w, r)
	})
}
