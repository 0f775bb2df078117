// Package devphone is dev mode's stand-in for Twilio: a phonegate.Sender
// that records each message and call, the pages that show them (the dev
// phone and the dev mailbox), and the buttons that play Twilio's part by
// posting signed requests to the server's own webhooks, over HTTP. It
// imports the domain, handlers/httpx and handlers/twilio's signer.
package devphone

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/mail"
)

//go:embed templates/*.html
var templateFS embed.FS

// Store is what the dev phone keeps and reads: its own records, and the
// deliveries whose state its page shows.
type Store interface {
	phonegate.DevPhoneStore
	Delivery(ctx context.Context, id string) (phonegate.Delivery, error)
}

// Browser is what the pages lend the dev phone: the guard every dev page
// sits behind (loopback, a session, the CSRF check) and the layout's frame.
type Browser interface {
	DevGuard(h httpx.HandlerFunc) http.Handler
	Frame(w http.ResponseWriter, r *http.Request, p *httpx.Page)
}

// Config is what the dev phone needs. New checks it.
type Config struct {
	Store     Store
	Keys      *phonegate.Keys // seals the bodies it records: they carry codes
	Now       func() time.Time
	Logger    zerolog.Logger
	PublicURL string // the server's own webhooks are posted to under it
	// AuthToken signs what the dev phone posts, as Twilio would.
	AuthToken string
	// Mail is the mail queue whose dev mailbox the mailbox page shows; nil
	// when no mail can be sent.
	Mail *mail.Outbox
}

// Phone is the dev phone.
type Phone struct {
	cfg     Config
	db      Store
	log     zerolog.Logger
	now     func() time.Time
	base    string
	mail    *mail.Outbox
	tpl     *httpx.Templates
	browser Browser // set by Routes
}

// New checks cfg and returns the dev phone.
func New(cfg Config) (*Phone, error) {
	if cfg.Store == nil || cfg.Keys == nil || cfg.AuthToken == "" {
		return nil, errors.New("devphone: Config.Store, Keys and AuthToken are required")
	}
	u, err := url.Parse(strings.TrimRight(cfg.PublicURL, "/"))
	if err != nil || u.Host == "" {
		return nil, errors.New("devphone: Config.PublicURL must be an absolute URL")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	sub, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	tpl, err := httpx.ParseTemplates(sub, nil)
	if err != nil {
		return nil, err
	}
	return &Phone{cfg: cfg, db: cfg.Store, log: cfg.Logger, now: cfg.Now, base: u.String(), mail: cfg.Mail, tpl: tpl}, nil
}

// publicURL returns the absolute URL of path on this server.
func (s *Phone) publicURL(path string) string { return s.base + path }

// render writes the named page in the layout's frame.
func (s *Phone) render(w http.ResponseWriter, r *http.Request, status int, name string, data httpx.PageData) {
	s.browser.Frame(w, r, data.Base())
	if err := s.tpl.Execute(w, status, name, data); err != nil {
		s.log.Error().Err(err).Str("template", name).Msg("render")
	}
}

var _ phonegate.Sender = (*Phone)(nil)
