// Package handlers builds phonegate's HTTP side: the domain service, the
// rooms (web for pages and forms, twilio for the webhooks, devphone for dev
// mode's stand-in for Twilio), the one router that registers their route
// tables, and the access log and panic guard every route shares.
package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/authz"
	"github.com/phonegate/phonegate/handlers/devphone"
	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/handlers/twilio"
	"github.com/phonegate/phonegate/handlers/verify"
	"github.com/phonegate/phonegate/handlers/web"
	"github.com/phonegate/phonegate/mail"
	"github.com/phonegate/phonegate/metrics"
)

// DefaultTrustedProxies are believed when Config.TrustedProxies is nil:
// the loopback ranges.
var DefaultTrustedProxies = httpx.DefaultTrustedProxies

// Config is everything a Server needs. New checks it.
type Config struct {
	Store     phonegate.Store
	Logger    zerolog.Logger
	Now       func() time.Time // the clock; tests inject one
	Hasher    *phonegate.Hasher
	Keys      *phonegate.Keys
	PublicURL string // where browsers and Twilio reach this server
	DevMode   bool   // no Twilio account: the dev phone plays Twilio's part

	// CookieDomain shares the session cookie with the hosts of a domain
	// (PHONEGATE_COOKIE_DOMAIN), for the apps behind a reverse proxy;
	// protected sites must lie under it. Empty: the gate's host only.
	CookieDomain string

	// Sender sends codes. In dev mode it may be nil: the dev phone is used.
	Sender phonegate.Sender
	// TwilioAuthToken checks X-Twilio-Signature on the webhooks. In dev
	// mode a random token shared with the dev phone is used when empty.
	TwilioAuthToken string

	// FromNumber is the number codes come from (TWILIO_FROM), shown where
	// the user may text a reply code to it; empty when unknown.
	FromNumber string

	AllowedCountries []string // ISO codes codes may be sent to; empty for all

	// TrustedProxies are the peers whose X-Forwarded-For names the client
	// (rate limits count per client address); nil means
	// DefaultTrustedProxies, an empty non-nil slice none.
	TrustedProxies []netip.Prefix
	Voice          string // <Say> voice
	VoiceLanguage  string // <Say> language

	// DailySMS and DailyCalls cap the codes sent per UTC day by each
	// channel, for the whole server; 0 means phonegate.DefaultDailySMS
	// and phonegate.DefaultDailyCalls.
	DailySMS, DailyCalls int

	// Mail queues the messages that tell users what happened to their
	// account, and invitations. In dev mode it may be nil: mail then goes
	// to the dev mailbox (Server.Outbox runs it). Outside dev mode nil
	// means no mail can be sent.
	Mail *mail.Outbox

	// Metrics counts requests and what the service does, for the
	// operator's own listener (PHONEGATE_METRICS_ADDR); nil counts
	// nothing. The public router never serves it.
	Metrics *metrics.Metrics
}

// Server serves phonegate's HTTP routes.
type Server struct {
	svc     *phonegate.Service
	web     *web.Server
	hooks   *twilio.Webhooks
	proxies httpx.Proxies
	mail    *mail.Outbox
	metrics *metrics.Metrics
	log     zerolog.Logger
	routes  []httpx.Route
	router  *httprouter.Router
	handler http.Handler
}

// New checks cfg, builds the service and the rooms, and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("handlers: Config.Store is required")
	}
	if cfg.Hasher == nil || cfg.Keys == nil {
		return nil, errors.New("handlers: Config.Hasher and Config.Keys are required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sender == nil && !cfg.DevMode {
		return nil, errors.New("handlers: Config.Sender is required outside dev mode")
	}
	if cfg.TwilioAuthToken == "" {
		if !cfg.DevMode {
			return nil, errors.New("handlers: Config.TwilioAuthToken is required outside dev mode")
		}
		cfg.TwilioAuthToken = phonegate.NewToken()
	}
	if cfg.FromNumber == "" && cfg.DevMode {
		cfg.FromNumber = devphone.Number
	}
	if cfg.TrustedProxies == nil {
		cfg.TrustedProxies = DefaultTrustedProxies
	}
	if err := watchStore(cfg.Metrics, cfg.Store); err != nil {
		return nil, err
	}
	var err error
	if cfg.Mail == nil && cfg.DevMode {
		if cfg.Mail, err = mail.New(mail.Config{Store: cfg.Store, Site: trimURL(cfg.PublicURL), Keys: cfg.Keys,
			Now: cfg.Now, Logger: cfg.Logger}); err != nil {
			return nil, err
		}
	}
	var phone *devphone.Phone
	if cfg.DevMode {
		if phone, err = devphone.New(devphone.Config{Store: cfg.Store, Keys: cfg.Keys, Now: cfg.Now, Logger: cfg.Logger,
			PublicURL: cfg.PublicURL, AuthToken: cfg.TwilioAuthToken, Mail: cfg.Mail}); err != nil {
			return nil, err
		}
		if cfg.Sender == nil {
			cfg.Sender = phone
		}
	}
	var mailer phonegate.Mailer
	if cfg.Mail != nil {
		mailer = cfg.Mail
	}
	svc, err := phonegate.New(phonegate.Config{Store: cfg.Store, Sender: cfg.Sender, Mailer: mailer,
		Keys: cfg.Keys, Hasher: cfg.Hasher, Now: cfg.Now, Logger: cfg.Logger, PublicURL: cfg.PublicURL,
		AllowedCountries: cfg.AllowedCountries, DailySMS: cfg.DailySMS, DailyCalls: cfg.DailyCalls,
		DevMode: cfg.DevMode, CookieDomain: cfg.CookieDomain, Observer: observer(cfg.Metrics)})
	if err != nil {
		return nil, err
	}
	pages, err := web.New(web.Config{Service: svc, Logger: cfg.Logger, Hasher: cfg.Hasher, Keys: cfg.Keys,
		PublicURL: cfg.PublicURL, CookieDomain: cfg.CookieDomain, DevMode: cfg.DevMode, FromNumber: cfg.FromNumber,
		AllowedCountries: cfg.AllowedCountries, TrustedProxies: cfg.TrustedProxies, Mail: cfg.Mail})
	if err != nil {
		return nil, err
	}
	hooks, err := twilio.New(twilio.Config{Service: svc, Logger: cfg.Logger, PublicURL: cfg.PublicURL,
		AuthToken: cfg.TwilioAuthToken, Voice: cfg.Voice, VoiceLanguage: cfg.VoiceLanguage,
		SignatureFailed: signatureFailed(cfg.Metrics)})
	if err != nil {
		return nil, err
	}
	checks, err := authz.New(authz.Config{Service: svc, Logger: cfg.Logger, PublicURL: cfg.PublicURL,
		TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return nil, err
	}
	api, err := verify.New(verify.Config{Service: svc, Logger: cfg.Logger, PublicURL: cfg.PublicURL,
		TrustedProxies: cfg.TrustedProxies})
	if err != nil {
		return nil, err
	}
	s := &Server{svc: svc, web: pages, hooks: hooks, proxies: cfg.TrustedProxies, mail: cfg.Mail, metrics: cfg.Metrics, log: cfg.Logger}
	s.routes = append(pages.Routes(), hooks.Routes()...)
	s.routes = append(s.routes, checks.Routes()...)
	s.routes = append(s.routes, api.Routes()...)
	if phone != nil {
		s.routes = append(s.routes, phone.Routes(pages)...)
	}
	s.router = newRouter(s.routes, api.NotFound(pages.NotFound()), cfg.Metrics)
	s.handler = s.logRecover(s.router)
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Router returns the router, so that tests can walk every registered route.
func (s *Server) Router() *httprouter.Router { return s.router }

// Service returns the domain service every route calls.
func (s *Server) Service() *phonegate.Service { return s.svc }

// Outbox returns the mail queue, for the command line to run; nil when no
// mail can be sent.
func (s *Server) Outbox() *mail.Outbox { return s.mail }

// DevTools reports whether the dev mode tools (the dev phone, the dev
// mailbox) answer at all: only in dev mode, and only while the public URL
// is a loopback one.
func (s *Server) DevTools() bool { return s.web.DevTools() }

// SetupLink returns the one-time setup link while no user exists, for the
// command line to print.
func (s *Server) SetupLink(ctx context.Context) (string, error) { return s.svc.SetupLink(ctx) }

// AddUser is the service's AddUser (the command line's way to add a user),
// for the tests whose story starts with an account made that way.
func (s *Server) AddUser(ctx context.Context, email, projectName, role, password string) (phonegate.AddUserResult, error) {
	return s.svc.AddUser(ctx, email, projectName, role, password)
}

// ResetSecondFactor is the service's ResetSecondFactor (the command
// line's reset), for the tests whose story goes through one.
func (s *Server) ResetSecondFactor(ctx context.Context, email string, actorID int64) (recoveryCode string, err error) {
	return s.svc.ResetSecondFactor(ctx, email, actorID)
}

// Maintain is the service's Maintain: expired challenges, sessions and
// counters go, and the conversion rate is watched.
func (s *Server) Maintain(ctx context.Context) error { return s.svc.Maintain(ctx) }
