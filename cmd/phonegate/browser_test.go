package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers"
)

// Browser tests drive Debian's Chromium through chromedp against the real
// server, wired as `phonegate serve` wires it, whose real twilio-go client
// talks to a fake Twilio API played by twilioPlayer. Without Chromium they
// skip, unless PHONEGATE_BROWSER_TESTS=required (as in CI) makes that a
// failure. PHONEGATE_SCREENSHOTS names a folder for the screenshots of
// the key pages (docs/screenshots holds the current set).

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("PHONEGATE_BROWSER_TESTS") == "required" {
		t.Fatal("chromium not found and PHONEGATE_BROWSER_TESTS=required: apt-get install chromium")
	}
	t.Skip("chromium not found: browser tests skipped (apt-get install chromium to run them)")
	return ""
}

// e2e is one running phonegate with its fake Twilio.
type e2e struct {
	t        *testing.T
	url      string
	chromium string
	fake     *fakeTwilio
	player   *twilioPlayer
	logs     *syncBuffer
	cfg      config
	vars     map[string]string // the environment cfg was read from
	srv      *handlers.Server
	db       phonegate.Store
}

func startE2E(t *testing.T, devMode bool, extra ...map[string]string) *e2e {
	t.Helper()
	chromium := chromiumPath(t)
	e := startGate(t, "127.0.0.1", devMode, extra...)
	e.chromium = chromium
	return e
}

// startGate runs the server as startE2E does, on a loopback port, with the
// public URL naming host (a name the test's clients map to loopback, or
// 127.0.0.1), for tests that need no browser or one of their own.
func startGate(t *testing.T, host string, devMode bool, extra ...map[string]string) *e2e {
	t.Helper()
	e := &e2e{t: t, logs: &syncBuffer{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	e.url = "http://" + net.JoinHostPort(host, port)
	dir := t.TempDir()
	vars := map[string]string{
		"PHONEGATE_DB":        filepath.Join(dir, "phonegate.db"),
		"PUBLIC_URL":          e.url,
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
		"LOG_LEVEL":           "debug",
	}
	for _, m := range extra {
		for k, v := range m {
			vars[k] = v
		}
	}
	if !devMode {
		e.fake = newFakeTwilio(t)
		e.player = newTwilioPlayer(t, e.fake)
		fc := e.fake.Config()
		vars["TWILIO_ACCOUNT_SID"] = fc.AccountSID
		vars["TWILIO_AUTH_TOKEN"] = fc.AuthToken
		vars["TWILIO_FROM"] = fc.From
		vars["TWILIO_API_URL"] = fc.APIURL
	}
	e.vars = vars
	e.cfg, err = parseConfig(env(vars))
	if err != nil {
		t.Fatal(err)
	}
	e.cfg.LogJSON = true
	ctx, cancel := context.WithCancel(context.Background())
	srv, db, err := openServer(ctx, e.cfg, zerolog.New(e.logs).Level(zerolog.DebugLevel))
	if err != nil {
		t.Fatal(err)
	}
	e.srv, e.db = srv, db
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() {
		cancel()
		hs.Close()
		db.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", e.logs.String())
		}
	})
	return e
}

// tab is one browser (its own profile, so its own cookies) with one tab.
type tab struct {
	t   *testing.T
	e   *e2e
	ctx context.Context
}

// browser starts a browser, with extra options for Chromium if any.
func (e *e2e) browser(extra ...chromedp.ExecAllocatorOption) *tab {
	e.t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(e.chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(e.t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	e.t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		e.t.Fatalf("start chromium: %v", err)
	}
	return &tab{t: e.t, e: e, ctx: ctx}
}

// in returns the tab bound to a (sub)test, so that failures stop that test.
func (b *tab) in(t *testing.T) *tab { return &tab{t: t, e: b.e, ctx: b.ctx} }

// do runs actions with a time limit.
func (b *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v\npage:\n%s", err, b.bodyText())
	}
}

func (b *tab) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.e.url + path))
}

// fill types value into the input with the given CSS selector.
func (b *tab) fill(sel, value string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), value))
}

// submit clicks a button that leaves the page and waits for the next page
// to load.
func (b *tab) submit(sel string) {
	b.t.Helper()
	b.eval(`window.__pgOld = true`)
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
	b.waitJS(`window.__pgOld === undefined && document.readyState === "complete"`)
}

func (b *tab) eval(js string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](js)); err != nil {
		b.t.Fatalf("eval %s: %v", js, err)
	}
}

// waitJS waits until a JavaScript expression is true.
func (b *tab) waitJS(js string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waited in vain for %s\npage at %s:\n%s", js, b.location(), b.bodyText())
}

// waitText waits until the page's text holds s.
func (b *tab) waitText(s string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(b.bodyText(), s) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("the page at %s never said %q:\n%s", b.location(), s, b.bodyText())
}

func (b *tab) bodyText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	return s
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v\n%s", sel, err, b.bodyText())
	}
	return strings.TrimSpace(s)
}

func (b *tab) has(sel string) bool {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	ok, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector(`+jsString(sel)+`) !== null`))
	return ok
}

func (b *tab) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Location())
	return strings.TrimPrefix(s, b.e.url)
}

// shot saves a screenshot of the page as name.png in PHONEGATE_SCREENSHOTS.
func (b *tab) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("PHONEGATE_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// clickJS clicks an element from script: radios and <summary> do not
// always take chromedp's mouse click in headless mode.
func clickJS(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](`(function(){var el=document.querySelector(`+jsString(sel)+
			`); if(!el) return false; el.click(); return true})()`)(ctx, t)
		if err == nil && !ok {
			err = errors.New("no element " + sel)
		}
		return err
	})
}

// setSelect picks an option of a <select>.
func setSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.SetValue(chromedp.CSS(sel), value)
}

func runString(ctx context.Context, js string) (string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[string](js))
}
