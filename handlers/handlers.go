// Package handlers is phonegate's HTTP surface: the login and settings
// pages, the two-factor flow, Twilio's webhooks and the dev phone.
package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/mail"
)

// Session and elevation lifetimes (DESIGN §2).
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = phonegate.SessionAbsolute
	ElevationLife   = phonegate.ElevationLife
	InviteLife      = phonegate.InviteLife
)

// Config is everything a Server needs. New checks it.
type Config struct {
	Store     phonegate.Store
	Logger    zerolog.Logger
	Now       func() time.Time // the clock; tests inject one
	Hasher    *phonegate.Hasher
	Keys      *phonegate.Keys
	PublicURL string // where browsers and Twilio reach this server
	DevMode   bool   // no Twilio account: the dev phone plays Twilio's part

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
	// channel, for the whole server; 0 means store.DefaultDailySMS and
	// store.DefaultDailyCalls.
	DailySMS, DailyCalls int

	// Mail queues the messages that tell users what happened to their
	// account, and invitations. In dev mode it may be nil: mail then goes
	// to the dev mailbox (Server.Outbox runs it). Outside dev mode nil
	// means no mail can be sent.
	Mail *mail.Outbox
}

// Server serves phonegate's HTTP routes.
type Server struct {
	cfg     Config
	db      phonegate.Store
	log     zerolog.Logger
	now     func() time.Time
	public  *url.URL
	base    string // public.String(), computed once: every webhook signs against it
	secure  bool   // public URL is https: Secure cookies, __Host- prefix, HSTS
	cookie  string // the session cookie's name
	tpl     *templates
	mail    *mail.Outbox                // nil: no mail can be sent
	cop     *http.CrossOriginProtection // one check shared by every browser route
	router  *httprouter.Router
	handler http.Handler
	caps    phonegate.DailyCaps // the global daily send caps
	svc     *phonegate.Service  // the two-factor domain every route calls
}

// New checks cfg and returns a Server.
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
	u, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("handlers: Config.PublicURL must be an absolute http or https URL")
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
		cfg.FromNumber = devNumber
	}
	if cfg.TrustedProxies == nil {
		cfg.TrustedProxies = DefaultTrustedProxies
	}
	if cfg.Voice == "" {
		cfg.Voice = "Polly.Joanna"
	}
	if cfg.VoiceLanguage == "" {
		cfg.VoiceLanguage = "en-US"
	}
	tpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	if cfg.Mail == nil && cfg.DevMode {
		if cfg.Mail, err = mail.New(mail.Config{Store: cfg.Store, Site: u.String(), Keys: cfg.Keys, Now: cfg.Now, Logger: cfg.Logger}); err != nil {
			return nil, err
		}
	}
	s := &Server{
		cfg:    cfg,
		db:     cfg.Store,
		log:    cfg.Logger,
		now:    cfg.Now,
		public: u,
		base:   u.String(),
		secure: u.Scheme == "https",
		cookie: "phonegate_session",
		tpl:    tpl,
		caps:   phonegate.DailyCaps{SMS: cfg.DailySMS, Calls: cfg.DailyCalls},
		mail:   cfg.Mail,
	}
	if s.secure {
		s.cookie = "__Host-phonegate_session"
	}
	var mailer phonegate.Mailer
	if cfg.Mail != nil {
		mailer = cfg.Mail
	}
	if s.svc, err = phonegate.New(phonegate.Config{Store: cfg.Store, Sender: s.sender(), Mailer: mailer,
		Keys: cfg.Keys, Hasher: cfg.Hasher, Now: cfg.Now, Logger: cfg.Logger, PublicURL: s.base,
		AllowedCountries: cfg.AllowedCountries, DailySMS: cfg.DailySMS, DailyCalls: cfg.DailyCalls}); err != nil {
		return nil, err
	}
	s.cop = s.newCrossOriginProtection()
	s.routes()
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Router returns the router, so that tests can walk every registered route.
func (s *Server) Router() *httprouter.Router { return s.router }

// publicURL returns the absolute URL of path on this server.
func (s *Server) publicURL(path string) string {
	return s.base + path
}

// Maintain ends expired challenges (wiping their sealed codes), deletes
// expired sessions and old counter events, and watches the conversion
// rate of the codes sent. Run it now and then; it is safe to run from
// several processes.
func (s *Server) Maintain(ctx context.Context) error {
	now := s.now()
	if err := s.db.EndExpiredChallenges(ctx, now); err != nil {
		return err
	}
	if _, err := s.db.DeleteExpiredSessions(ctx, now.Add(-SessionIdle), now.Add(-SessionAbsolute)); err != nil {
		return err
	}
	if err := s.svc.WatchConversion(ctx); err != nil {
		return err
	}
	return s.db.PruneEvents(ctx, now.Add(-24*time.Hour))
}
