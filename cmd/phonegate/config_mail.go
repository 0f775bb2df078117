package main

import (
	"github.com/phonegate/phonegate/mail"
)

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
