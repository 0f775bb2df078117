// Package web serves phonegate's pages and forms: login, the code page,
// enrollment, projects, members and settings. It calls the domain service
// and shares only handlers/httpx with the other rooms.
package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/mail"
)

// Config is everything the pages need. New checks it.
type Config struct {
	Service   *phonegate.Service // the two-factor domain every page calls
	Logger    zerolog.Logger
	Hasher    *phonegate.Hasher // its queue admits password checks (rate limits)
	Keys      *phonegate.Keys   // seals flash notes, signs device cookies
	PublicURL string            // where browsers reach this server
	DevMode   bool              // no Twilio account: the dev phone plays Twilio's part

	// FromNumber is the number codes come from, shown where the user may
	// text a reply code to it; empty when unknown.
	FromNumber string

	AllowedCountries []string // ISO codes codes may be sent to; empty for all

	// TrustedProxies are the peers whose X-Forwarded-For names the client
	// (rate limits count per client address).
	TrustedProxies httpx.Proxies

	// Mail is the mail queue, nil when no mail can be sent.
	Mail *mail.Outbox
}

// Server serves the pages and forms.
type Server struct {
	cfg    Config
	svc    *phonegate.Service
	db     phonegate.Store // what the pages list; every change goes through svc
	log    zerolog.Logger
	now    func() time.Time
	public *url.URL
	base   string // public.String(), computed once
	secure bool   // public URL is https: Secure cookies, __Host- prefix, HSTS
	cookie string // the session cookie's name
	tpl    *httpx.Templates
	mail   *mail.Outbox                // nil: no mail can be sent
	cop    *http.CrossOriginProtection // one check shared by every browser route
}

// New checks cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Service == nil {
		return nil, errors.New("web: Config.Service is required")
	}
	if cfg.Hasher == nil || cfg.Keys == nil {
		return nil, errors.New("web: Config.Hasher and Config.Keys are required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("web: Config.PublicURL must be an absolute http or https URL")
	}
	tpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:    cfg,
		svc:    cfg.Service,
		db:     cfg.Service.Store(),
		log:    cfg.Logger,
		now:    cfg.Service.Now,
		public: u,
		base:   u.String(),
		secure: u.Scheme == "https",
		cookie: "phonegate_session",
		tpl:    tpl,
		mail:   cfg.Mail,
	}
	if s.secure {
		s.cookie = "__Host-phonegate_session"
	}
	s.cop = s.newCrossOriginProtection()
	return s, nil
}

// publicURL returns the absolute URL of path on this server.
func (s *Server) publicURL(path string) string {
	return s.base + path
}
