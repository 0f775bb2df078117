package handlers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/mail"
)

// withMailbox gives a server in Twilio mode mail through the dev mailbox,
// as an SMTP server would take it, so that tests read what was sent.
func withMailbox() harnessOption {
	return func(c *handlers.Config) {
		box, err := mail.New(mail.Config{Store: c.Store, Site: strings.TrimRight(c.PublicURL, "/"), Keys: c.Keys, Now: c.Now, Logger: c.Logger})
		if err != nil {
			panic(err)
		}
		c.Mail = box
	}
}

// deliverMail sends what the server queued to the dev mailbox, as the
// worker would.
func (h *harness) deliverMail() {
	h.t.Helper()
	if _, err := h.srv.Outbox().SendDue(context.Background()); err != nil {
		h.t.Fatal(err)
	}
}

// mailTo delivers what is due and returns the dev mailbox's messages to
// addr, newest first.
func (h *harness) mailTo(addr string) []mail.DevMessage {
	h.t.Helper()
	h.deliverMail()
	ms, err := h.srv.Outbox().DevMessages(context.Background(), 500)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []mail.DevMessage
	for _, m := range ms {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// mailKinds returns the kinds of the messages to addr, oldest first.
func (h *harness) mailKinds(addr string) []string {
	h.t.Helper()
	ms := h.mailTo(addr)
	out := make([]string, len(ms))
	for i, m := range ms {
		out[len(ms)-1-i] = m.Kind
	}
	return out
}

// linkIn returns the path of this server's first link in m that starts
// with prefix, or "".
func linkIn(t *testing.T, m mail.DevMessage, prefix string) string {
	t.Helper()
	const base = "http://127.0.0.1:8080"
	for _, f := range strings.Fields(m.Text) {
		if strings.HasPrefix(f, base+prefix) {
			return strings.TrimPrefix(f, base)
		}
	}
	return ""
}
