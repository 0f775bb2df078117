// Package proxytest runs real reverse proxies (Caddy and nginx) on
// loopback ports for tests, each in front of an upstream app and asking a
// gate about every request the way the README configures them: Caddy's
// forward_auth to /auth/forward, nginx's auth_request to /auth/request.
// Without the proxy's binary the test is skipped, unless
// PHONEGATE_PROXY_TESTS=required (set by CI), which makes that a failure.
package proxytest

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// RemoteHeaders are the identity headers the gate answers with and the
// proxies pass on to the app.
var RemoteHeaders = []string{"Remote-User", "Remote-Email", "Remote-Name", "Remote-Groups", "Remote-Project"}

// Config says what a proxy stands in front of.
type Config struct {
	Host     string // the protected app's hostname, e.g. app.example.test
	Upstream string // the app: host:port on loopback
	Gate     string // the gate: host:port on loopback
}

// Kind is one of the reverse proxies this package runs.
type Kind struct {
	Name  string
	Start func(testing.TB, Config) *Proxy
}

// Kinds are the proxies that tests run the same stories through.
var Kinds = []Kind{{"caddy", Caddy}, {"nginx", Nginx}}

// Proxy is a running reverse proxy.
type Proxy struct {
	Addr string // host:port it listens on
	Host string // the hostname it serves
}

// URL is the absolute URL of path on the protected app, through the proxy.
func (p *Proxy) URL(path string) string {
	_, port, _ := net.SplitHostPort(p.Addr)
	return "http://" + p.Host + ":" + port + path
}

// Client returns an HTTP client that reaches every host through the
// proxy's address (no DNS), does not follow redirects and sends jar's
// cookies when jar is not nil.
func (p *Proxy) Client(jar http.CookieJar) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, p.Addr)
		}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// need finds a proxy's binary, skipping (or, when required, failing) the
// test when it is missing.
func need(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return filepath.Join(dir, name)
		}
	}
	msg := name + " not found (apt-get install " + pkg + ")"
	if os.Getenv("PHONEGATE_PROXY_TESTS") == "required" {
		t.Fatal(msg + "; PHONEGATE_PROXY_TESTS=required")
	}
	t.Skip(msg)
	return ""
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// run starts cmd for the test, stops it at the test's end, and waits
// until addr accepts connections.
func run(t testing.TB, cmd *exec.Cmd, addr, logPath string) {
	t.Helper()
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		log.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("%s said:\n%s", filepath.Base(cmd.Path), b)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			b, _ := os.ReadFile(logPath)
			t.Fatalf("%s exited (%v) before it listened:\n%s", filepath.Base(cmd.Path), err, b)
		case <-time.After(50 * time.Millisecond):
		}
	}
	b, _ := os.ReadFile(logPath)
	t.Fatalf("%s did not listen on %s:\n%s", filepath.Base(cmd.Path), addr, b)
}

// write writes a config file into dir.
func write(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func listenAddr(t testing.TB) string { return "127.0.0.1:" + strconv.Itoa(FreePort(t)) }

// headerList is RemoteHeaders joined by sep.
func headerList(sep string) string { return strings.Join(RemoteHeaders, sep) }
