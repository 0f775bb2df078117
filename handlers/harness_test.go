package handlers_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/internal/teststore"
)

// testArgon2 keeps password hashing fast in tests; the parameters of the
// real server are tested in the root package.
var testArgon2 = phonegate.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// clock is an injected clock that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

// testStart is when every test server's clock starts.
var testStart = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newClock() *clock { return &clock{now: testStart} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// harness is a server behind httptest on a real store: a SQLite file, or a
// PostgreSQL database of the test's own when PHONEGATE_TEST_POSTGRES is set
// (internal/teststore).
type harness struct {
	t     *testing.T
	db    *testDB
	srv   *handlers.Server
	http  *httptest.Server
	clock *clock
	logs  *bytes.Buffer
}

type harnessOption func(*handlers.Config)

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, clock: newClock(), logs: &bytes.Buffer{}}
	own := func(c *handlers.Config) {
		c.Logger = zerolog.New(&lockedWriter{w: h.logs})
		c.Now = h.clock.Now
	}
	h.srv, h.db = newTestServer(t, append([]harnessOption{own}, opts...)...)
	h.http = httptest.NewServer(h.srv)
	t.Cleanup(h.http.Close)
	return h
}

// newTestServer opens a fresh store for the test (teststore.Open) and a
// dev-mode server on it, with the test keys, fast password hashing, no
// logs and a clock that stands still; opts change the configuration.
func newTestServer(tb testing.TB, opts ...harnessOption) (*handlers.Server, *testDB) {
	tb.Helper()
	db := &testDB{Store: teststore.Open(tb)}
	cfg := handlers.Config{
		Store:     db.Store,
		Logger:    zerolog.Nop(),
		Now:       func() time.Time { return testStart },
		Hasher:    phonegate.NewHasher(testArgon2),
		Keys:      testKeys(tb),
		PublicURL: "http://127.0.0.1:8080",
		DevMode:   true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := handlers.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return srv, db
}

// testDB is the store a test server runs on, with the shortcuts tests take
// to set up what a test is not about.
type testDB struct {
	phonegate.Store
}

// AddMember gives userID a role in projectID, accepted at once, as the
// command line does for an account that has a password; ErrConflict when
// already a member.
func (db *testDB) AddMember(ctx context.Context, projectID, userID int64, role string, now time.Time) error {
	u, err := db.User(ctx, userID)
	if err != nil {
		return err
	}
	_, err = db.ProvisionMember(ctx, u.Email, projectID, role, nil, false, now.Add(phonegate.InviteLife), now)
	return err
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// addUser creates a user with a password and a project they own.
func (h *harness) addUser(email, password, project string) (phonegate.User, phonegate.Project) {
	h.t.Helper()
	ctx := context.Background()
	hash, err := phonegate.NewHasher(testArgon2).Hash(ctx, password)
	if err != nil {
		h.t.Fatal(err)
	}
	u, err := h.db.CreateUser(ctx, email, hash, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	p, err := h.db.CreateProject(ctx, u.ID, project, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	return u, p
}

// browser is a client with its own cookie jar that remembers the CSRF
// token of the last page it saw.
type browser struct {
	h    *harness
	c    *http.Client
	csrf string
}

func (h *harness) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{h: h, c: &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.h.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.h.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if m := csrfRE.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.h.http.URL+path, nil)
	return b.do(req)
}

// post sends a form with the remembered CSRF token unless the form sets one.
func (b *browser) post(path string, form url.Values, header ...string) (*http.Response, string) {
	b.h.t.Helper()
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.h.http.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

// login logs in through the login page.
func (b *browser) login(email, password string) *http.Response {
	b.h.t.Helper()
	b.get("/login")
	res, _ := b.post("/login", url.Values{"email": {email}, "password": {password}})
	return res
}

func (b *browser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.h.http.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
