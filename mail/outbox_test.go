package mail_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/mailpit"
	"github.com/phonegate/phonegate/mail"
	"github.com/phonegate/phonegate/store/sqlite"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is an injected clock that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func testKeys(t *testing.T) *phonegate.Keys {
	k, err := phonegate.NewKeys([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func openDB(t *testing.T, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// smtpTo returns a sender to the SMTP server at addr (loopback, plain).
func smtpTo(t *testing.T, addr string) mail.Sender {
	t.Helper()
	cfg, err := mail.ParseSMTPURL("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg.From = "noreply@example.com"
	cfg.Timeout = 2 * time.Second
	s, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// switchSender sends through whichever sender it holds now.
type switchSender struct {
	mu sync.Mutex
	s  mail.Sender
}

func (w *switchSender) set(s mail.Sender) { w.mu.Lock(); w.s = s; w.mu.Unlock() }
func (w *switchSender) Send(ctx context.Context, m mail.Message) error {
	w.mu.Lock()
	s := w.s
	w.mu.Unlock()
	return s.Send(ctx, m)
}

// TestOutboxRetriesWithBackoff: with the SMTP server dead (a closed port)
// a message stays queued and is tried again after 30 s, 1 min, 2 min, …;
// it survives reopening the store; once the server answers, the next
// due attempt delivers it, once.
func TestOutboxRetriesWithBackoff(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "phonegate.db")
	clk := &clock{now: t0}
	dead := &switchSender{s: smtpTo(t, "127.0.0.1:"+itoa(mailpit.FreePort(t)))}
	db := openDB(t, path)
	box, err := mail.New(mail.Config{Store: db, Keys: testKeys(t), Sender: dead, Now: clk.Now, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.Render(phonegate.NoticePasswordChanged, "ada@example.com", mail.Data{Site: "http://127.0.0.1:8080",
		Link: "http://127.0.0.1:8080/account", When: "1 March 2026 09:00 UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if queued, err := box.Queue(ctx, msg, ""); err != nil || !queued {
		t.Fatalf("Queue = %v, %v", queued, err)
	}

	// Each failure doubles the wait; nothing is tried before it is due.
	for i, wait := range []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if sent, err := box.SendDue(ctx); err != nil || sent != 0 {
			t.Fatalf("attempt %d: sent %d, %v; want 0 to a dead server", i+1, sent, err)
		}
		q, _ := db.QueuedMail(ctx, 10)
		if len(q) != 1 || q[0].Attempts != i+1 || !q[0].NextAt.Equal(clk.Now().Add(wait)) || q[0].LastError == "" {
			t.Fatalf("after attempt %d: %+v; want attempts %d, next at +%v, an error", i+1, q, i+1, wait)
		}
		clk.Add(wait - time.Second)
		if q, _ := db.ClaimMail(ctx, clk.Now(), 0, 10); len(q) != 0 {
			t.Fatalf("a message was due %v early", time.Second)
		}
		clk.Add(time.Second)
	}

	// A restart: the queue is in the database.
	db.Close()
	db = openDB(t, path)
	t.Cleanup(func() { db.Close() })
	pit := mailpit.Start(t, mailpit.Options{})
	dead.set(smtpTo(t, pit.Addr()))
	box, _ = mail.New(mail.Config{Store: db, Keys: testKeys(t), Sender: dead, Now: clk.Now, Logger: zerolog.Nop()})
	if sent, err := box.SendDue(ctx); err != nil || sent != 1 {
		t.Fatalf("after the restart: sent %d, %v; want 1", sent, err)
	}
	if sent, err := box.SendDue(ctx); err != nil || sent != 0 {
		t.Fatalf("sent again: %d, %v", sent, err)
	}
	got := pit.To("ada@example.com")
	if len(got) != 1 || got[0].Subject != "Your phonegate password was changed" {
		t.Fatalf("Mailpit holds %+v", got)
	}
	q, _ := db.QueuedMail(ctx, 10)
	if len(q) != 1 || q[0].SentAt.IsZero() || q[0].Sealed != nil {
		t.Errorf("the sent message: %+v; want sent, its content wiped", q)
	}
}

// TestOutboxGivesUp: a message that could not go for GiveUpAfter is
// dropped, and a malformed recipient at once.
func TestOutboxGivesUp(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: t0}
	db := openDB(t, filepath.Join(t.TempDir(), "phonegate.db"))
	t.Cleanup(func() { db.Close() })
	box, _ := mail.New(mail.Config{Store: db, Keys: testKeys(t), Now: clk.Now, Logger: zerolog.Nop(),
		Sender: failing{}})
	box.Queue(ctx, mail.Message{To: "ada@example.com", Kind: "test", Subject: "s", Text: "t"}, "")
	for clk.Now().Sub(t0) < mail.GiveUpAfter+2*time.Hour {
		if _, err := box.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(10 * time.Minute)
	}
	q, _ := db.QueuedMail(ctx, 10)
	if len(q) != 1 || q[0].FailedAt.IsZero() || q[0].Sealed != nil {
		t.Fatalf("after %v: %+v; want given up", mail.GiveUpAfter, q)
	}
	if got := q[0].FailedAt.Sub(t0); got < mail.GiveUpAfter || got > mail.GiveUpAfter+mail.MaxRetry {
		t.Errorf("given up after %v, want %v", got, mail.GiveUpAfter)
	}

	box, _ = mail.New(mail.Config{Store: db, Keys: testKeys(t), Now: clk.Now, Logger: zerolog.Nop(),
		Sender: smtpTo(t, "127.0.0.1:1")})
	box.Queue(ctx, mail.Message{To: "not an address", Kind: "test", Subject: "s", Text: "t"}, "")
	box.SendDue(ctx)
	if q, _ := db.QueuedMail(ctx, 1); len(q) != 1 || q[0].FailedAt.IsZero() || q[0].Attempts != 1 {
		t.Errorf("a malformed recipient: %+v; want given up after one attempt", q)
	}
}

type failing struct{}

func (failing) Send(context.Context, mail.Message) error { return errors.New("connection refused") }

// TestOutboxDedupe: a dedupe key lets one message be queued, ever.
func TestOutboxDedupe(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, filepath.Join(t.TempDir(), "phonegate.db"))
	t.Cleanup(func() { db.Close() })
	box, _ := mail.New(mail.Config{Store: db, Keys: testKeys(t), Now: func() time.Time { return t0 }, Logger: zerolog.Nop()})
	m := mail.Message{To: "ada@example.com", Kind: "test", Subject: "s", Text: "t"}
	for i, want := range []bool{true, false, false} {
		if got, err := box.Queue(ctx, m, "once"); err != nil || got != want {
			t.Errorf("Queue #%d = %v, %v; want %v", i+1, got, err, want)
		}
	}
	if got, _ := box.Queue(ctx, m, ""); !got {
		t.Error("a message without a key was not queued")
	}
}

// TestOutboxRunDevMailbox: Run, woken by Queue, delivers to the dev
// mailbox when there is no SMTP server, and stops when its context ends.
func TestOutboxRunDevMailbox(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := openDB(t, filepath.Join(t.TempDir(), "phonegate.db"))
	t.Cleanup(func() { db.Close() })
	box, _ := mail.New(mail.Config{Store: db, Keys: testKeys(t), Now: func() time.Time { return t0 }, Logger: zerolog.Nop(),
		Tick: make(chan time.Time)})
	if !box.DevMailbox() {
		t.Fatal("no sender, yet not the dev mailbox")
	}
	done := make(chan struct{})
	go func() { box.Run(ctx); close(done) }()
	box.Queue(ctx, testMessage, "")
	deadline := time.After(10 * time.Second)
	for {
		got, err := box.DevMessages(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 {
			if got[0].Message != testMessage || !got[0].At.Equal(t0) {
				t.Errorf("dev mailbox holds %+v, want %+v", got[0], testMessage)
			}
			break
		}
		select {
		case <-deadline:
			t.Fatal("Run did not deliver to the dev mailbox")
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	<-done
}

var sixDigits = regexp.MustCompile(`\b\d{6}\b`)

// TestRenderEveryKind: every template renders both parts, with what its
// data names, and no code: the only code a message may hold is a reset's
// recovery code.
func TestRenderEveryKind(t *testing.T) {
	d := mail.Data{Site: "https://gate.example.com", Link: "https://gate.example.com/invite/TOKEN", Project: "Engine",
		Role: "developer", By: "ada@example.com", When: "1 March 2026 09:00 UTC", OldPhone: "+1 ••• ••• ••67",
		NewPhone: "+44 •••• ••89", OldLevel: "off", NewLevel: "every time you log in", Expires: "8 March 2026 09:00 UTC"}
	for _, kind := range mail.Kinds {
		t.Run(kind, func(t *testing.T) {
			m, err := mail.Render(kind, "bob@example.com", d)
			if err != nil {
				t.Fatal(err)
			}
			if m.To != "bob@example.com" || m.Kind != kind || m.Subject == "" || strings.Contains(m.Subject, "\n") {
				t.Errorf("got To %q, Kind %q, Subject %q", m.To, m.Kind, m.Subject)
			}
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				if !strings.Contains(body, "https://gate.example.com") {
					t.Errorf("the %s part lacks the site or link:\n%s", part, body)
				}
				if c := sixDigits.FindString(body); c != "" {
					t.Errorf("the %s part holds %q, like a code", part, c)
				}
				if strings.Contains(body, "<no value>") {
					t.Errorf("the %s part names a field it was not given:\n%s", part, body)
				}
			}
		})
	}
	d.RecoveryCode = "RCVR-CODE-1234"
	m, _ := mail.Render(phonegate.NoticeReset, "bob@example.com", d)
	if !strings.Contains(m.Text, d.RecoveryCode) || !strings.Contains(m.HTML, d.RecoveryCode) {
		t.Errorf("the reset message lacks its recovery code:\n%s", m.Text)
	}
	if _, err := mail.Render("nonsense", "bob@example.com", d); err == nil {
		t.Error("an unknown kind rendered")
	}
}

// TestRenderEscapesHTML: what a user typed (a project name) is escaped in
// the HTML part.
func TestRenderEscapesHTML(t *testing.T) {
	m, err := mail.Render(phonegate.NoticeLevelChanged, "bob@example.com", mail.Data{Project: `<script>x</script>`, Site: "s", Link: "l"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") {
		t.Errorf("the HTML part holds the project name unescaped:\n%s", m.HTML)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
