package phonegate

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/rs/zerolog"
)

// Config is everything a Service needs. New checks it.
type Config struct {
	Store  Store
	Sender Sender // sends codes: the twilio-go adapter, or in dev mode the dev phone
	Mailer Mailer // queues the notices and invitations; nil: no mail can be sent
	Keys   *Keys
	Hasher *Hasher
	Now    func() time.Time // the clock; nil: time.Now
	Rand   io.Reader        // the random source of codes and tokens; nil: crypto/rand
	Logger zerolog.Logger

	// Observer hears what the service does, for the operator's figures;
	// nil: NopObserver.
	Observer Observer

	// PublicURL is where browsers and Twilio reach this server: the links
	// in messages, the host an SMS binds its code to (WebOTP) and the
	// status callbacks a send asks for.
	PublicURL string

	// CookieDomain is the domain the session cookie is shared with
	// (PHONEGATE_COOKIE_DOMAIN), checked by CheckCookieDomain: protected
	// sites must lie under it. Empty: the gate's own host only.
	CookieDomain string

	AllowedCountries []string // ISO codes codes may be sent to; empty for all

	// DevMode is set when the dev phone plays Twilio's part: a login may
	// then return to an app over plain http (ReturnURL).
	DevMode bool

	// DailySMS and DailyCalls cap the codes sent per UTC day by each
	// channel, for the whole server; 0 means DefaultDailySMS and
	// DefaultDailyCalls.
	DailySMS, DailyCalls int
}

// Service is the two-factor domain: what a session must do next, the
// challenges that prove a phone and the sends that carry their codes, the
// outcomes Twilio reports, inbound replies, enrollment, trusted computers,
// elevation, members, invitations and resets. It takes plain values and a
// context, never an HTTP request, and answers with records and errors
// (sentinels, or an *Error whose words may be shown); every way in (the
// pages, the webhooks, the command line) calls it.
type Service struct {
	cfg    Config
	store  Store
	sender Sender
	mailer Mailer
	keys   *Keys
	hasher *Hasher
	now    func() time.Time
	rand   io.Reader
	log    zerolog.Logger
	obs    Observer
	public *url.URL
	base   string // public.String(), computed once
	caps   DailyCaps

	cookieDomain string // Config.CookieDomain as checked

	passkeys *webauthn.WebAuthn // the relying party of passkeys; nil when they are off (passkey.go)
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("phonegate: Config.Store is required")
	}
	if cfg.Sender == nil {
		return nil, errors.New("phonegate: Config.Sender is required")
	}
	if cfg.Keys == nil || cfg.Hasher == nil {
		return nil, errors.New("phonegate: Config.Keys and Config.Hasher are required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("phonegate: Config.PublicURL must be an absolute http or https URL")
	}
	domain, err := CheckCookieDomain(cfg.CookieDomain, u.String())
	if err != nil {
		return nil, fmt.Errorf("phonegate: Config.CookieDomain: %w", err)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Observer == nil {
		cfg.Observer = NopObserver{}
	}
	return &Service{
		cfg:    cfg,
		store:  cfg.Store,
		sender: cfg.Sender,
		mailer: cfg.Mailer,
		keys:   cfg.Keys,
		hasher: cfg.Hasher,
		now:    cfg.Now,
		rand:   cfg.Rand,
		log:    cfg.Logger,
		obs:    cfg.Observer,
		public: u,
		base:   u.String(),
		caps:   DailyCaps{SMS: cfg.DailySMS, Calls: cfg.DailyCalls},

		cookieDomain: domain,
		passkeys:     passkeyParty(u, domain),
	}, nil
}

// Now returns the service's clock reading, so that every way in sees the
// same time as the service.
func (s *Service) Now() time.Time { return s.now() }

// Store returns the store the service keeps its state in.
func (s *Service) Store() Store { return s.store }

// CanMail reports whether the service can send email.
func (s *Service) CanMail() bool { return s.mailer != nil }

// publicURL returns the absolute URL of path on this server.
func (s *Service) publicURL(path string) string { return s.base + path }

// newToken, newCode and newEmergencyCode draw from the service's random
// source.
func (s *Service) newToken() string         { return tokenFrom(s.rand) }
func (s *Service) newCode() string          { return codeFrom(s.rand) }
func (s *Service) newEmergencyCode() string { return emergencyCodeFrom(s.rand) }

// notify queues the notice n of kind to u. The change it tells of is done
// already: a notice that cannot be queued is logged, and the caller goes
// on. Without a Mailer it does nothing.
func (s *Service) notify(ctx context.Context, kind string, u User, n Notice) {
	if s.mailer == nil {
		return
	}
	n.Kind, n.To = kind, u.Email
	if n.At.IsZero() {
		n.At = s.now()
	}
	if err := s.mailer.Notify(ctx, n); err != nil {
		s.log.Error().Err(err).Str("kind", kind).Int64("user", u.ID).Msg("mail not queued")
	}
}
