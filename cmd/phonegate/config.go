package main

import (
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/mail"
	"github.com/phonegate/phonegate/store/postgres"
	"github.com/phonegate/phonegate/twiml"
)

// config is the server's configuration, read from the environment only
// here (DESIGN §3).
type config struct {
	Addr             string // listen address
	MetricsAddr      string // PHONEGATE_METRICS_ADDR: the metrics' own listener; "" for none
	Port             string
	DB               string
	PublicURL        string // empty: ask ngrok, then fall back to the local URL
	CookieDomain     string // PHONEGATE_COOKIE_DOMAIN: the session cookie's Domain, "" for the gate's host
	SecretFile       string
	DevMode          bool
	Twilio           twilioConfig
	AllowedCountries []string
	TrustedProxies   []netip.Prefix // nil: the handlers' default (loopback)
	Voice            string
	VoiceLanguage    string
	DailySMS         int // global caps of codes per UTC day, by channel
	DailyCalls       int
	LogJSON          bool
	LogLevel         zerolog.Level
	NgrokAPI         string
	SMTP             *mail.SMTPConfig // nil: no SMTP server (the dev mailbox in dev mode)
	Postgres         postgres.Options // the pool of a postgres:// DB (PHONEGATE_DB_MAX_CONNS, _STATEMENT_TIMEOUT)
	MemoryLimit      int64            // the soft memory limit serve set (serverMemoryLimit); 0 when GOMEMLIMIT rules
}

// parseConfig reads the configuration. Any bad value is a usageError that
// names the variable.
func parseConfig(getenv func(string) string) (config, error) {
	c := config{
		Port:          or(getenv("PORT"), "8080"),
		DB:            or(getenv("PHONEGATE_DB"), "phonegate.db"),
		PublicURL:     strings.TrimRight(strings.TrimSpace(getenv("PUBLIC_URL")), "/"),
		Voice:         or(getenv("PHONEGATE_VOICE"), twiml.DefaultVoice),
		VoiceLanguage: or(getenv("PHONEGATE_VOICE_LANGUAGE"), twiml.DefaultLanguage),
		NgrokAPI:      or(getenv("PHONEGATE_NGROK_API"), "http://127.0.0.1:4040/api/tunnels"),
		Twilio: twilioConfig{
			AccountSID:          getenv("TWILIO_ACCOUNT_SID"),
			AuthToken:           getenv("TWILIO_AUTH_TOKEN"),
			APIKey:              getenv("TWILIO_API_KEY"),
			APISecret:           getenv("TWILIO_API_SECRET"),
			From:                getenv("TWILIO_FROM"),
			MessagingServiceSID: getenv("TWILIO_MESSAGING_SERVICE_SID"),
			APIURL:              getenv("TWILIO_API_URL"),
		},
	}
	c.DevMode = c.Twilio.AccountSID == ""

	if n, err := strconv.Atoi(c.Port); err != nil || n < 1 || n > 65535 {
		return config{}, usagef("PORT must be a number from 1 to 65535, got %q", c.Port)
	}
	c.Addr = getenv("PHONEGATE_ADDR")
	switch {
	case c.Addr == "" && c.DevMode:
		c.Addr = "127.0.0.1:" + c.Port
	case c.Addr == "":
		c.Addr = ":" + c.Port
	default:
		host, port, err := net.SplitHostPort(c.Addr)
		if err != nil {
			return config{}, usagef("PHONEGATE_ADDR must be host:port, got %q", c.Addr)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			return config{}, usagef("PHONEGATE_ADDR has a bad port: %q", c.Addr)
		}
		if c.DevMode && !isLoopback(host) {
			return config{}, usagef("dev mode listens on loopback only: PHONEGATE_ADDR %q is not a loopback address (set TWILIO_ACCOUNT_SID to leave dev mode)", c.Addr)
		}
		c.Port = port
	}

	c.SecretFile = getenv("PHONEGATE_SECRET_FILE")
	if c.SecretFile == "" {
		c.SecretFile = filepath.Join(filepath.Dir(c.DB), "phonegate.key")
	}
	if postgres.IsURL(c.DB) {
		if err := parsePostgresConfig(&c, getenv); err != nil {
			return config{}, err
		}
	}

	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return config{}, usagef("PUBLIC_URL must be an absolute http or https URL such as https://example.ngrok.app, got %q", c.PublicURL)
		}
	}

	c.CookieDomain = strings.TrimSpace(getenv("PHONEGATE_COOKIE_DOMAIN"))
	if c.CookieDomain != "" {
		// Without PUBLIC_URL the host is known only once ngrok answers;
		// the server checks it again when it starts.
		pub := c.PublicURL
		if pub == "" {
			pub = "http://" + strings.TrimPrefix(c.CookieDomain, ".")
		}
		d, err := phonegate.CheckCookieDomain(c.CookieDomain, pub)
		if err != nil {
			return config{}, usagef("PHONEGATE_COOKIE_DOMAIN: %v", err)
		}
		c.CookieDomain = d
	}

	if !c.DevMode {
		if err := c.Twilio.validate(); err != nil {
			return config{}, usageError{err.Error()}
		}
		// Twilio signs webhooks with the account's auth token, even when
		// REST calls use an API key.
		if c.Twilio.AuthToken == "" {
			return config{}, usagef("TWILIO_AUTH_TOKEN is needed to check the signatures of Twilio's webhooks")
		}
	}

	if v := getenv("TWILIO_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return config{}, usagef("TWILIO_TIMEOUT must be a duration such as 10s, got %q", v)
		}
		c.Twilio.Timeout = d
	}

	for _, cc := range strings.FieldsFunc(getenv("PHONEGATE_ALLOWED_COUNTRIES"), func(r rune) bool { return r == ',' || r == ' ' }) {
		cc = strings.ToUpper(cc)
		if len(cc) != 2 || cc[0] < 'A' || cc[0] > 'Z' || cc[1] < 'A' || cc[1] > 'Z' {
			return config{}, usagef("PHONEGATE_ALLOWED_COUNTRIES must list ISO country codes such as US,CA,GB, got %q", cc)
		}
		c.AllowedCountries = append(c.AllowedCountries, cc)
	}

	var err error
	if c.DailySMS, c.DailyCalls, err = dailyCaps(getenv); err != nil {
		return config{}, err
	}
	if c.MetricsAddr, err = parseMetricsAddr(getenv("PHONEGATE_METRICS_ADDR"), c.DevMode, c.Addr); err != nil {
		return config{}, err
	}

	if v := strings.TrimSpace(getenv("PHONEGATE_TRUSTED_PROXIES")); v != "" {
		c.TrustedProxies = []netip.Prefix{}
		for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				a, aerr := netip.ParseAddr(f)
				if aerr != nil {
					return config{}, usagef("PHONEGATE_TRUSTED_PROXIES must list CIDRs such as 10.0.0.0/8,::1/128, got %q", f)
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			c.TrustedProxies = append(c.TrustedProxies, p.Masked())
		}
	}

	if c.SMTP, err = parseMailConfig(getenv); err != nil {
		return config{}, err
	}

	switch f := getenv("LOG_FORMAT"); f {
	case "":
		c.LogJSON = !c.DevMode
	case "json":
		c.LogJSON = true
	case "console":
		c.LogJSON = false
	default:
		return config{}, usagef("LOG_FORMAT must be json or console, got %q", f)
	}
	c.LogLevel = zerolog.InfoLevel
	if v := getenv("LOG_LEVEL"); v != "" {
		l, err := zerolog.ParseLevel(strings.ToLower(v))
		if err != nil || l == zerolog.NoLevel {
			return config{}, usagef("LOG_LEVEL must be one of trace, debug, info, warn, error, got %q", v)
		}
		c.LogLevel = l
	}
	return c, nil
}

func or(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
