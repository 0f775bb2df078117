package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate/internal/mailpit"
	"github.com/phonegate/phonegate/store/sqlite"
)

// served is the real server started by serveFor.
type served struct {
	t    *testing.T
	base string
	db   string
	logs *syncBuffer
}

// serveFor starts `phonegate serve` in dev mode on a free loopback port
// with extra in its environment, after running the user commands in
// users, and stops it at the test's end.
func serveFor(t *testing.T, extra map[string]string, users ...[]string) *served {
	t.Helper()
	dir := t.TempDir()
	port := strconv.Itoa(mailpit.FreePort(t))
	m := map[string]string{
		"PHONEGATE_DB":        filepath.Join(dir, "phonegate.db"),
		"PHONEGATE_ADDR":      "127.0.0.1:" + port,
		"PUBLIC_URL":          "http://127.0.0.1:" + port,
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	}
	for k, v := range extra {
		m[k] = v
	}
	e := env(m)
	for _, args := range users {
		if err := run(context.Background(), args, e, strings.NewReader("a long enough password\n"), io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	s := &served{t: t, base: m["PUBLIC_URL"], db: m["PHONEGATE_DB"], logs: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, e, nil, io.Discard, s.logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not start:\n%s", s.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// webClient is a browser without JavaScript: cookies, and the CSRF token of
// the last page.
type webClient struct {
	s    *served
	c    *http.Client
	csrf string
}

var csrfFieldRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (s *served) client() *webClient {
	jar, _ := cookiejar.New(nil)
	return &webClient{s: s, c: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *webClient) do(method, path string, form url.Values) (*http.Response, string) {
	c.s.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf_token", c.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.s.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.s.t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if m := csrfFieldRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return res, string(b)
}

func (c *webClient) get(path string) (*http.Response, string) { return c.do(http.MethodGet, path, nil) }
func (c *webClient) post(path string, form url.Values) (*http.Response, string) {
	return c.do(http.MethodPost, path, form)
}

func (c *webClient) login(email, password string) {
	c.s.t.Helper()
	c.get("/login")
	if res, body := c.post("/login", url.Values{"email": {email}, "password": {password}}); res.StatusCode != http.StatusSeeOther {
		c.s.t.Fatalf("login %s: got %d\n%s", email, res.StatusCode, body)
	}
}

// waitMail waits, a bounded time, for a message to addr in Mailpit.
func waitMail(t *testing.T, pit *mailpit.Server, addr string) []mailpit.Message {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; {
		if ms := pit.To(addr); len(ms) > 0 {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var inviteLinkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/invite/[A-Za-z0-9_-]+)`)

// TestSquatReplay replays the squat of the security review against the
// real server and a real SMTP server: Alice invites ceo@example.com to
// her own project. Her pages never show a link; the link arrives only in
// ceo@'s mailbox, and only its holder chooses the password.
func TestSquatReplay(t *testing.T) {
	pit := mailpit.Start(t, mailpit.Options{})
	s := serveFor(t, map[string]string{"PHONEGATE_SMTP_URL": "smtp://" + pit.Addr(), "PHONEGATE_MAIL_FROM": "phonegate <noreply@example.com>"},
		[]string{"user", "add", "--email", "alice@example.com", "--project", "Alpha", "--role", "owner"})
	alice := s.client()
	alice.login("alice@example.com", "a long enough password")
	members := "/projects/1/members"
	alice.get(members)
	res, _ := alice.post(members, url.Values{"email": {"ceo@example.com"}, "role": {"owner"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: got %d", res.StatusCode)
	}
	for _, path := range []string{res.Header.Get("Location"), members, "/projects/1", "/projects/1/audit"} {
		if _, page := alice.get(path); strings.Contains(page, "/invite/") {
			t.Errorf("Alice's %s shows an invite link:\n%s", path, page)
		}
	}

	ms := waitMail(t, pit, "ceo@example.com")
	m := inviteLinkRE.FindStringSubmatch(ms[0].Text)
	if len(ms) != 1 || m == nil || !strings.Contains(ms[0].HTML, m[1]) {
		t.Fatalf("ceo@'s mailbox: %+v", ms)
	}
	if ms[0].From.Address != "noreply@example.com" || !strings.Contains(ms[0].Subject, "Alpha") {
		t.Errorf("the invitation is from %+v about %q", ms[0].From, ms[0].Subject)
	}
	for _, other := range pit.Messages() {
		if other.ID != ms[0].ID && inviteLinkRE.MatchString(other.Text) {
			t.Errorf("another message holds an invite link: to %+v", other.To)
		}
	}

	ceo := s.client()
	if res, page := ceo.get(m[1]); res.StatusCode != http.StatusOK || !strings.Contains(page, "ceo@example.com") {
		t.Fatalf("the link: got %d", res.StatusCode)
	}
	res, _ = ceo.post(m[1], url.Values{"password": {"the real chief's own violet spoon"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("choosing the password: got %d", res.StatusCode)
	}
	if res, _ := s.client().get(m[1]); res.StatusCode != http.StatusNotFound {
		t.Errorf("the link works twice: got %d", res.StatusCode)
	}
}

// TestServeDeadSMTP: with the SMTP server down (a closed port), logins
// and changes work at once and the message waits in the queue, tried and
// scheduled again.
func TestServeDeadSMTP(t *testing.T) {
	closed := "127.0.0.1:" + strconv.Itoa(mailpit.FreePort(t))
	s := serveFor(t, map[string]string{"PHONEGATE_SMTP_URL": "smtp://mailer:hunter2hunter2@" + closed, "PHONEGATE_MAIL_FROM": "noreply@example.com"},
		[]string{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--role", "owner"})
	ada := s.client()
	start := time.Now()
	ada.login("ada@example.com", "a long enough password")
	ada.get("/account")
	res, _ := ada.post("/account/password", url.Values{"current_password": {"a long enough password"},
		"new_password": {"another long password"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: got %d", res.StatusCode)
	}
	d := time.Since(start)
	if d > 5*time.Second {
		t.Errorf("login and password change took %v with SMTP down", d)
	}
	t.Logf("login and password change with SMTP down: %v", d)
	fresh := s.client()
	fresh.login("ada@example.com", "another long password")
	if res, _ := fresh.get("/"); res.StatusCode != http.StatusOK {
		t.Errorf("home after login: got %d", res.StatusCode)
	}

	db, err := sqlite.Open(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for deadline := time.Now().Add(15 * time.Second); ; {
		q, err := db.QueuedMail(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(q) == 1 && q[0].Attempts >= 1 && q[0].LastError != "" {
			if !q[0].SentAt.IsZero() || !q[0].FailedAt.IsZero() || !q[0].NextAt.After(time.Now()) || q[0].Sealed == nil {
				t.Errorf("the message after a failed attempt: %+v; want queued for later", q[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the queue: %+v; want one message, tried", q)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if logs := s.logs.String(); strings.Contains(logs, "long password") || strings.Contains(logs, "hunter2") {
		t.Errorf("the log holds a password:\n%s", logs)
	}
	if !strings.Contains(s.logs.String(), "mail not sent; will retry") {
		t.Errorf("the log does not tell of the failed attempt:\n%s", s.logs.String())
	}
}

// TestMailConfigErrors: a bad PHONEGATE_SMTP_URL or PHONEGATE_MAIL_FROM
// stops the program with one line naming the variable (exit status 2),
// never showing the SMTP password.
func TestMailConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad scheme", map[string]string{"PHONEGATE_SMTP_URL": "https://ada:hunter2hunter2@mail.example.com", "PHONEGATE_MAIL_FROM": "a@example.com"}, "PHONEGATE_SMTP_URL"},
		{"bad port", map[string]string{"PHONEGATE_SMTP_URL": "smtps://ada:hunter2hunter2@mail.example.com:0", "PHONEGATE_MAIL_FROM": "a@example.com"}, "PHONEGATE_SMTP_URL"},
		{"no sender", map[string]string{"PHONEGATE_SMTP_URL": "smtps://ada:hunter2hunter2@mail.example.com"}, "PHONEGATE_MAIL_FROM"},
		{"bad sender", map[string]string{"PHONEGATE_SMTP_URL": "smtps://ada:hunter2hunter2@mail.example.com", "PHONEGATE_MAIL_FROM": "nobody"}, "PHONEGATE_MAIL_FROM"},
		{"bad sender without SMTP", map[string]string{"PHONEGATE_MAIL_FROM": "nobody"}, "PHONEGATE_MAIL_FROM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["PHONEGATE_DB"] = filepath.Join(t.TempDir(), "x.db")
			err := run(context.Background(), nil, env(tt.env), nil, io.Discard, io.Discard)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usageError (exit status 2)", err)
			}
			if !strings.HasPrefix(ue.msg, tt.want) || strings.Contains(ue.msg, "\n") || strings.Contains(ue.msg, "hunter2") {
				t.Errorf("message %q: want one line naming %s, without the password", ue.msg, tt.want)
			}
		})
	}
	c, err := parseConfig(env(map[string]string{"PHONEGATE_SMTP_URL": "smtps://ada:hunter2hunter2@mail.example.com",
		"PHONEGATE_MAIL_FROM": "phonegate <noreply@example.com>"}))
	if err != nil || c.SMTP == nil || c.SMTP.Host != "mail.example.com" || c.SMTP.Port != 465 || !c.SMTP.Implicit ||
		c.SMTP.Password != "hunter2hunter2" || c.SMTP.From != `"phonegate" <noreply@example.com>` {
		t.Errorf("parseConfig = %+v, %v", c.SMTP, err)
	}
	if c, err := parseConfig(env(nil)); err != nil || c.SMTP != nil {
		t.Errorf("no SMTP: %+v, %v", c.SMTP, err)
	}
}
