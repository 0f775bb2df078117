package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/metrics"
)

func newLogger(cfg config, w io.Writer) zerolog.Logger {
	if !cfg.LogJSON {
		f, ok := w.(*os.File)
		color := ok && isatty.IsTerminal(f.Fd())
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly, NoColor: !color}
	}
	return zerolog.New(w).Level(cfg.LogLevel).With().Timestamp().Logger()
}

// loadKey reads the server key, creating it (0600) on first run.
func loadKey(path string, log zerolog.Logger) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, phonegate.KeySize)
		rand.Read(key)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("create server key: %w", err)
		}
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("write server key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("write server key: %w", err)
		}
		log.Info().Str("file", path).Msg("created the server key; keep it with the database")
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read server key: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		log.Warn().Str("file", path).Msgf("the server key can be read by others (mode %v): chmod 600 it", fi.Mode().Perm())
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < phonegate.KeySize {
		return nil, fmt.Errorf("server key %s must hold at least %d bytes as hex", path, phonegate.KeySize)
	}
	return key, nil
}

// resolvePublicURL returns PUBLIC_URL, else the https tunnel a local ngrok
// agent forwards to our port, else the local URL.
func resolvePublicURL(ctx context.Context, cfg config, log *zerolog.Logger) (string, error) {
	if cfg.PublicURL != "" {
		return cfg.PublicURL, nil
	}
	u, err := discoverNgrokURL(ctx, cfg.NgrokAPI, cfg.Port, nil)
	if err == nil {
		if log != nil {
			log.Info().Str("public_url", u).Msg("using the ngrok tunnel that forwards to this server")
		}
		return u, nil
	}
	if log != nil {
		log.Debug().Err(err).Msg("no ngrok tunnel found")
	}
	return localPublicURL(cfg), nil
}

// localPublicURL returns PUBLIC_URL, else the local URL of our port.
func localPublicURL(cfg config) string {
	switch {
	case cfg.PublicURL != "":
		return cfg.PublicURL
	case cfg.DevMode:
		return "http://127.0.0.1:" + cfg.Port
	}
	return "http://localhost:" + cfg.Port
}

// openStore reads the server key and opens the store: what the server and
// the command line's tools share.
func openStore(ctx context.Context, cfg config, log zerolog.Logger) (*phonegate.Keys, phonegate.Store, error) {
	key, err := loadKey(cfg.SecretFile, log)
	if err != nil {
		return nil, nil, err
	}
	keys, err := phonegate.NewKeys(key)
	if err != nil {
		return nil, nil, err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return keys, db, nil
}

// openServer builds everything serve needs, so that tests can start the
// real server on a listener of their own.
func openServer(ctx context.Context, cfg config, log zerolog.Logger) (*handlers.Server, phonegate.Store, error) {
	keys, db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	pub, err := resolvePublicURL(ctx, cfg, &log)
	if err == nil {
		err = checkCookieDomainAt(cfg, pub)
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	hasher := phonegate.NewHasher(phonegate.DefaultArgon2)
	if cfg.MemoryLimit > 0 {
		hasher.LimitMemory(cfg.MemoryLimit)
	}
	hc := handlers.Config{
		Store:            db,
		Logger:           log,
		Now:              time.Now,
		Hasher:           hasher,
		Keys:             keys,
		PublicURL:        pub,
		DevMode:          cfg.DevMode,
		AllowedCountries: cfg.AllowedCountries,
		TrustedProxies:   cfg.TrustedProxies,
		CookieDomain:     cfg.CookieDomain,
		Voice:            cfg.Voice,
		VoiceLanguage:    cfg.VoiceLanguage,
		DailySMS:         cfg.DailySMS,
		DailyCalls:       cfg.DailyCalls,
	}
	if !cfg.DevMode {
		sender, err := newTwilioSender(cfg.Twilio)
		if err != nil {
			db.Close()
			return nil, nil, usageError{err.Error()}
		}
		hc.Sender = sender
		hc.TwilioAuthToken = cfg.Twilio.AuthToken
		hc.FromNumber = cfg.Twilio.From
		if w := publicURLWarning(pub); w != "" {
			log.Warn().Str("public_url", pub).Msg(w)
		}
		if w := countriesWarning(cfg); w != "" {
			log.Warn().Msg(w)
		}
	}
	if cfg.MetricsAddr != "" {
		hc.Metrics = metrics.New()
	}
	if hc.Mail, err = newOutbox(cfg, pub, db, keys, log); err != nil {
		db.Close()
		return nil, nil, err
	}
	srv, err := handlers.New(hc)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if cfg.DevMode && !srv.DevTools() {
		log.Warn().Str("public_url", pub).Msg(devPhoneOffMessage(cfg))
	}
	return srv, db, nil
}

// serve runs the server until ctx ends, then finishes in-flight requests
// and closes the database.
func serve(ctx context.Context, cfg config, logOut io.Writer) error {
	log := newLogger(cfg, logOut)
	srv, db, err := openServer(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	mode := "twilio"
	switch {
	case cfg.DevMode && srv.DevTools():
		mode = "dev (no Twilio account: the dev phone plays Twilio's part)"
	case cfg.DevMode:
		mode = "dev (no Twilio account; the dev phone and mailbox are off behind a public URL)"
	}
	log.Info().Str("addr", ln.Addr().String()).Str("db", dbLabel(cfg.DB)).Str("mode", mode).Msg("phonegate listening")

	stopMetrics, err := serveMetrics(cfg, srv, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()

	if link, err := srv.SetupLink(ctx); err != nil {
		return err
	} else if link != "" {
		log.Warn().Str("url", link).Msg("no user exists yet: open this one-time setup link to create the first owner")
	}

	go maintain(ctx, srv, log)
	stopMail := runOutbox(ctx, srv.Outbox())
	defer stopMail() // before the database closes

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info().Msg("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info().Msg("stopped")
	return nil
}

// devPhoneOffMessage says why the dev phone and mailbox are off and how to
// turn them on: they show every code and invite link, so they never answer
// behind a public URL such as an ngrok tunnel, where anyone on the internet
// could read them.
func devPhoneOffMessage(cfg config) string {
	return "the dev phone and the dev mailbox are off: PUBLIC_URL is not a loopback address (an ngrok tunnel or another public URL), " +
		"and they show every code and invite link, which must not be reachable from there; codes sent now are shown nowhere. " +
		"Unset PUBLIC_URL and stop ngrok (or set PUBLIC_URL=http://127.0.0.1:" + cfg.Port + ") to use /dev/phone and /dev/mail"
}

// maintain prunes expired sessions and old counters every few minutes.
func maintain(ctx context.Context, srv *handlers.Server, log zerolog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		if err := srv.Maintain(ctx); err != nil && ctx.Err() == nil {
			log.Warn().Err(err).Msg("maintenance")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
