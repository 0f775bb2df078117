// Package web serves phonegate's pages and forms: login, the code page,
// enrollment, projects, members and settings. It calls the domain service
// and shares only handlers/httpx with the other rooms.
package web

import (
	"context"
	"errors"
	"fmt"
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

	// CookieDomain is the domain the session cookie is shared with
	// (PHONEGATE_COOKIE_DOMAIN), so that the apps behind the gate's proxy
	// receive it; empty: this server's host only.
	CookieDomain string

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

// reads are what the pages read from the store themselves: the lists they
// show, the health check, and the per-address counters of the rate limits
// (ratelimit.go). Every change of state goes through the service.
type reads interface {
	Memberships(ctx context.Context, userID int64) ([]phonegate.Membership, error)
	Membership(ctx context.Context, projectID, userID int64) (phonegate.Membership, error)
	Members(ctx context.Context, projectID int64) ([]phonegate.Member, error)
	Invitations(ctx context.Context, userID int64) ([]phonegate.Invitation, error)
	AuditEvents(ctx context.Context, projectID, before int64, limit int) ([]phonegate.AuditEvent, error)
	AuditEventsAfter(ctx context.Context, projectID, after int64, limit int) ([]phonegate.AuditEvent, error)
	CountUsers(ctx context.Context) (int, error)
	Challenge(ctx context.Context, id string) (phonegate.Challenge, error)
	Ping(ctx context.Context, now time.Time) error
	TakeAttempt(ctx context.Context, key string, limit int, window time.Duration, now time.Time) (int64, error)
	ForgetAttempt(ctx context.Context, id int64) error
}

// Server serves the pages and forms.
type Server struct {
	cfg    Config
	svc    *phonegate.Service
	db     reads // what the pages list and count; every change goes through svc
	log    zerolog.Logger
	now    func() time.Time
	public *url.URL
	base   string // public.String(), computed once
	secure bool   // public URL is https: Secure cookies, __Host- prefix, HSTS
	cookie string // the session cookie's name
	domain string // the session cookie's Domain, "" for this host only
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
	domain, err := phonegate.CheckCookieDomain(cfg.CookieDomain, u.String())
	if err != nil {
		return nil, fmt.Errorf("web: Config.CookieDomain: %w", err)
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
		cookie: httpx.SessionCookie(u.Scheme == "https", domain),
		domain: domain,
		tpl:    tpl,
		mail:   cfg.Mail,
	}
	s.cop = s.newCrossOriginProtection()
	return s, nil
}

// publicURL returns the absolute URL of path on this server.
func (s *Server) publicURL(path string) string {
	return s.base + path
}
