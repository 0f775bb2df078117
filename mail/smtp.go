package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPConfig says how to reach an SMTP server. Its String never shows the
// password.
type SMTPConfig struct {
	Host     string
	Port     int
	Implicit bool // smtps://: TLS from the first byte; else STARTTLS
	// PlainAllowed lets smtp:// go without STARTTLS when the server offers
	// none: only for a loopback host.
	PlainAllowed bool
	Username     string
	Password     string
	From         string      // the sender's address, as PHONEGATE_MAIL_FROM gave it
	TLS          *tls.Config // nil: the system's roots, for Host
	Timeout      time.Duration
}

// ParseSMTPURL reads PHONEGATE_SMTP_URL: smtps://user:pass@host:465
// (implicit TLS) or smtp://user:pass@host:587 (STARTTLS, required unless
// the host is loopback). The user and password are optional. An error
// never holds the password.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, errors.New("not a URL such as smtps://user:password@mail.example.com:465")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtps":
		c.Implicit, c.Port = true, 465
	case "smtp":
		c.Port = 587
	default:
		return SMTPConfig{}, fmt.Errorf("the scheme must be smtps:// or smtp://, got %q", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return SMTPConfig{}, fmt.Errorf("give only the scheme, user, password, host and port, as in %s://user:password@mail.example.com", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return SMTPConfig{}, errors.New("the URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("the port must be a number from 1 to 65535, got %q", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	c.PlainAllowed = !c.Implicit && isLoopback(c.Host)
	return c, nil
}

// ParseFrom checks PHONEGATE_MAIL_FROM: an address, with or without a name
// ("phonegate <noreply@example.com>").
func ParseFrom(from string) (string, error) {
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return "", fmt.Errorf("not an email address such as phonegate <noreply@example.com>")
	}
	return a.String(), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the server without the password.
func (c SMTPConfig) String() string {
	scheme := "smtp"
	if c.Implicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port))}
	if c.Username != "" {
		u.User = url.User(c.Username)
	}
	return u.String()
}

// SMTP sends messages through an SMTP server, one connection per message.
type SMTP struct {
	cfg  SMTPConfig
	opts []gomail.Option
}

// NewSMTP checks cfg and returns its sender.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" || cfg.Port == 0 {
		return nil, errors.New("mail: SMTPConfig needs a host and a port")
	}
	if _, err := ParseFrom(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: the sender: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	tc := cfg.TLS
	if tc == nil {
		tc = &tls.Config{}
	}
	tc = tc.Clone()
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	tc.MinVersion = max(tc.MinVersion, tls.VersionTLS12)
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout), gomail.WithTLSConfig(tc)}
	switch {
	case cfg.Implicit:
		opts = append(opts, gomail.WithSSL())
	case cfg.PlainAllowed:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	return &SMTP{cfg: cfg, opts: opts}, nil
}

// Send sends m with a text part and an HTML alternative.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return Permanent(fmt.Errorf("mail: recipient: %w", err))
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	c, err := gomail.NewClient(s.cfg.Host, s.opts...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send through %s: %w", s.cfg, err)
	}
	return nil
}
