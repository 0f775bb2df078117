package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/mail"
)

// newOutbox returns the mail queue: through the SMTP server of
// PHONEGATE_SMTP_URL, else nil (the handlers then use the dev mailbox in
// dev mode, and send no mail outside it).
func newOutbox(cfg config, site string, db mail.Store, keys *phonegate.Keys, log zerolog.Logger) (*mail.Outbox, error) {
	if cfg.SMTP == nil {
		if cfg.DevMode {
			log.Info().Msg("no PHONEGATE_SMTP_URL: mail goes to the dev mailbox at /dev/mail")
		} else {
			log.Warn().Msg("PHONEGATE_SMTP_URL is not set: no mail is sent, so invitations of new accounts " +
				"need the command line (phonegate user add --invite) and users are not told of changes to their account")
		}
		return nil, nil
	}
	sender, err := mail.NewSMTP(*cfg.SMTP)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	log.Info().Str("smtp", cfg.SMTP.String()).Str("from", cfg.SMTP.From).Msg("mail goes through SMTP")
	return mail.New(mail.Config{Store: db, Site: site, Keys: keys, Sender: sender, Now: time.Now, Logger: log})
}

// runOutbox sends queued mail in the background until ctx ends; the
// function it returns stops the worker and waits for it, so that the
// database is closed after it.
func runOutbox(ctx context.Context, box *mail.Outbox) (stop func()) {
	if box == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		box.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// parseMailConfig reads PHONEGATE_SMTP_URL and PHONEGATE_MAIL_FROM. Without
// an SMTP URL it returns nil: mail goes to the dev mailbox in dev mode and
// nowhere otherwise. No error repeats the URL, which may hold a password.
func parseMailConfig(getenv func(string) string) (*mail.SMTPConfig, error) {
	raw, from := or(getenv("PHONEGATE_SMTP_URL"), ""), or(getenv("PHONEGATE_MAIL_FROM"), "")
	if raw == "" {
		if from != "" {
			if _, err := mail.ParseFrom(from); err != nil {
				return nil, usagef("PHONEGATE_MAIL_FROM must be an email address such as phonegate <noreply@example.com>, got %q", from)
			}
		}
		return nil, nil
	}
	c, err := mail.ParseSMTPURL(raw)
	if err != nil {
		return nil, usagef("PHONEGATE_SMTP_URL must look like smtps://user:password@mail.example.com:465 or smtp://mail.example.com:587: %v", err)
	}
	if from == "" {
		return nil, usagef("PHONEGATE_MAIL_FROM must be set with PHONEGATE_SMTP_URL: the sender, such as phonegate <noreply@example.com>")
	}
	if c.From, err = mail.ParseFrom(from); err != nil {
		return nil, usagef("PHONEGATE_MAIL_FROM must be an email address such as phonegate <noreply@example.com>, got %q", from)
	}
	return &c, nil
}
