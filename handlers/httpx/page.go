package httpx

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/phonegate/phonegate"
)

//go:embed layout.html
var layoutFS embed.FS

//go:embed static
var staticFS embed.FS

// Page is embedded in every page's struct: what the layout needs.
type Page struct {
	Title    string
	CSRF     string
	LoggedIn bool
	Email    string
	DevMode  bool
	Flash    string
	Error    string
	// ErrorFor names the form Error concerns on a page with several; the
	// layout shows Error on top only when it is empty.
	ErrorFor string

	// Limited is set for a session that must pass a step (a code, a phone,
	// a new emergency code) before the pages behind login open: the header
	// then offers only what it can reach.
	Limited bool
}

// PageData is any page struct: it embeds a Page.
type PageData interface{ Base() *Page }

// Base returns the layout's part of a page.
func (p *Page) Base() *Page { return p }

// FormError returns the page's error when it concerns the form named form,
// for the template to show beside that form.
func (p *Page) FormError(form string) string {
	if p.ErrorFor == form {
		return p.Error
	}
	return ""
}

// When formats a time for people, in UTC.
func When(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// funcs are the template functions every room's pages may use.
var funcs = template.FuncMap{
	"when":       When,
	"levelLabel": func(l string) string { return phonegate.Level(l).Label() },
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

// Templates are a room's pages, each parsed once with the shared layout.
type Templates struct {
	pages map[string]*template.Template
}

// ParseTemplates parses every *.html of pages with the layout; extra adds
// template functions of the room's own.
func ParseTemplates(pages fs.FS, extra template.FuncMap) (*Templates, error) {
	fm := maps.Clone(funcs)
	maps.Copy(fm, extra)
	layout, err := template.New("layout.html").Funcs(fm).ParseFS(layoutFS, "layout.html")
	if err != nil {
		return nil, fmt.Errorf("httpx: layout: %w", err)
	}
	names, err := fs.Glob(pages, "*.html")
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		c, err := template.Must(layout.Clone()).ParseFS(pages, n)
		if err != nil {
			return nil, fmt.Errorf("httpx: template %s: %w", n, err)
		}
		t.pages[strings.TrimSuffix(path.Base(n), ".html")] = c
	}
	return t, nil
}

// Execute writes the named page with status. The page is rendered into a
// buffer first, so that a template error gives a clean error instead of
// half a page; the error is returned for the caller to log, and the
// answer then is Internal.
func (t *Templates) Execute(w http.ResponseWriter, status int, name string, data PageData) error {
	tpl, ok := t.pages[name]
	if !ok {
		panic("httpx: no template " + name)
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		Internal(w)
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// Static serves the layout's embedded stylesheet and scripts.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fsrv.ServeHTTP(w, r)
	})
}
