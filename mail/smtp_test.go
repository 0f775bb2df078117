package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate/internal/mailpit"
	"github.com/phonegate/phonegate/mail"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		raw     string
		want    mail.SMTPConfig
		wantErr string
	}{
		{raw: "smtps://ada:s3cret@mail.example.com:465",
			want: mail.SMTPConfig{Host: "mail.example.com", Port: 465, Implicit: true, Username: "ada", Password: "s3cret"}},
		{raw: "smtps://mail.example.com", want: mail.SMTPConfig{Host: "mail.example.com", Port: 465, Implicit: true}},
		{raw: "smtp://mail.example.com", want: mail.SMTPConfig{Host: "mail.example.com", Port: 587}},
		{raw: "smtp://127.0.0.1:1025", want: mail.SMTPConfig{Host: "127.0.0.1", Port: 1025, PlainAllowed: true}},
		{raw: "smtp://localhost:25", want: mail.SMTPConfig{Host: "localhost", Port: 25, PlainAllowed: true}},
		{raw: "smtp://[::1]:25", want: mail.SMTPConfig{Host: "::1", Port: 25, PlainAllowed: true}},
		{raw: "smtps://127.0.0.1:465", want: mail.SMTPConfig{Host: "127.0.0.1", Port: 465, Implicit: true}},
		{raw: "http://mail.example.com", wantErr: "scheme"},
		{raw: "mail.example.com:25", wantErr: "scheme"},
		{raw: "smtps://ada:s3cret@:465", wantErr: "no host"},
		{raw: "smtps://ada:s3cret@mail.example.com:99999", wantErr: "port"},
		{raw: "smtps://ada:s3cret@mail.example.com/path", wantErr: "only"},
		{raw: "smtps://ada:s3cret@mail.example.com?x=1", wantErr: "only"},
		{raw: "smtps://ada:s3cret@mail.exa mple.com", wantErr: "URL"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := mail.ParseSMTPURL(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
			if strings.Contains(got.String(), "s3cret") {
				t.Errorf("String() shows the password: %s", got)
			}
		})
	}
}

func TestParseFrom(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"noreply@example.com", "<noreply@example.com>", true},
		{"phonegate <noreply@example.com>", `"phonegate" <noreply@example.com>`, true},
		{"not an address", "", false},
		{"", "", false},
	} {
		got, err := mail.ParseFrom(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseFrom(%q) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

var testMessage = mail.Message{To: "ada@example.com", Kind: "test", Subject: "Hello Ada",
	Text: "The text part.\n", HTML: "<p>The <strong>HTML</strong> part.</p>"}

// send sends testMessage through cfg and returns what Mailpit received.
func send(t *testing.T, pit *mailpit.Server, cfg mail.SMTPConfig) error {
	t.Helper()
	cfg.From = "phonegate <noreply@example.com>"
	cfg.Timeout = 5 * time.Second
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s.Send(context.Background(), testMessage)
}

func checkReceived(t *testing.T, pit *mailpit.Server) {
	t.Helper()
	got := pit.To("ada@example.com")
	if len(got) != 1 {
		t.Fatalf("Mailpit holds %d messages for ada@, want 1", len(got))
	}
	m := got[0]
	if m.Subject != testMessage.Subject || m.From.Address != "noreply@example.com" || m.From.Name != "phonegate" {
		t.Errorf("got subject %q from %+v", m.Subject, m.From)
	}
	if strings.TrimSpace(m.Text) != "The text part." {
		t.Errorf("text part = %q", m.Text)
	}
	if !strings.Contains(m.HTML, "<strong>HTML</strong>") {
		t.Errorf("HTML part = %q", m.HTML)
	}
}

// TestSMTPPlainOnLoopback: smtp:// to a loopback host may go without TLS.
func TestSMTPPlainOnLoopback(t *testing.T) {
	pit := mailpit.Start(t, mailpit.Options{})
	cfg, err := mail.ParseSMTPURL("smtp://" + pit.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, pit, cfg); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, pit)
}

// TestSMTPStartTLSRequired: smtp:// to a host that is not loopback needs
// STARTTLS; a server without it gets nothing.
func TestSMTPStartTLSRequired(t *testing.T) {
	pit := mailpit.Start(t, mailpit.Options{})
	cfg := mail.SMTPConfig{Host: pit.SMTPHost, Port: pit.SMTPPort} // as for a remote host: PlainAllowed false
	if err := send(t, pit, cfg); err == nil {
		t.Fatal("sent without STARTTLS to a server that offers none")
	}
	if got := pit.Messages(); len(got) != 0 {
		t.Errorf("Mailpit received %d messages, want none", len(got))
	}
}

// TestSMTPStartTLS: a server that offers STARTTLS gets it, with the
// certificate checked.
func TestSMTPStartTLS(t *testing.T) {
	pit := mailpit.Start(t, mailpit.Options{StartTLS: true, AcceptAuth: true})
	cfg := mail.SMTPConfig{Host: pit.SMTPHost, Port: pit.SMTPPort, Username: "ada", Password: "secret", TLS: pit.TLS()}
	if err := send(t, pit, cfg); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, pit)
}

// TestSMTPSImplicitTLS: smtps:// speaks TLS from the first byte and logs
// in; a certificate that is not trusted is refused.
func TestSMTPSImplicitTLS(t *testing.T) {
	pit := mailpit.Start(t, mailpit.Options{ImplicitTLS: true, AcceptAuth: true})
	cfg, err := mail.ParseSMTPURL("smtps://ada:secret@" + pit.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if err := send(t, pit, cfg); err == nil {
		t.Fatal("sent to a server whose certificate is not trusted")
	}
	cfg.TLS = pit.TLS()
	if err := send(t, pit, cfg); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, pit)
}
