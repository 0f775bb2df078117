package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/internal/haproxytest"
	"github.com/phonegate/phonegate/internal/pgtest"
	"github.com/phonegate/phonegate/internal/proxytest"
)

// The instances' story: two real phonegate processes on one PostgreSQL
// database behind a real HAProxy that balances round robin without
// stickiness, so that consecutive requests of one visitor reach different
// instances. Which instance served a request is read from the instances'
// own request logs.

// envHAProxyTests set to "required" makes a missing haproxy a failure.
const envHAProxyTests = "PHONEGATE_HAPROXY_TESTS"

// haproxyPath returns the haproxy binary, or skips t (fails it when CI
// requires the test).
func haproxyPath(t *testing.T) string {
	t.Helper()
	if path, err := haproxytest.Binary(); err == nil {
		return path
	}
	if os.Getenv(envHAProxyTests) == "required" {
		t.Fatalf("haproxy not found and %s=required (apt-get install haproxy)", envHAProxyTests)
	}
	t.Skip("haproxy not found (apt-get install haproxy; " + envHAProxyTests + "=required makes this a failure)")
	return ""
}

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// phonegateBinary builds this command once per test binary.
func phonegateBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "phonegate-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "phonegate")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// instance is one phonegate process and what it logged.
type instance struct {
	name string
	addr string
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

// logLine is the part of a log line the tests read.
type logLine struct {
	Message string `json:"message"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	Status  int    `json:"status"`
}

// lines returns what the instance logged, one entry a line.
func (in *instance) lines() []logLine {
	var out []logLine
	sc := bufio.NewScanner(strings.NewReader(in.logs.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}

// requests counts the requests for method and path the instance logged.
func (in *instance) requests(method, path string) int {
	n := 0
	for _, l := range in.lines() {
		if l.Message == "request" && l.Method == method && l.Path == path {
			n++
		}
	}
	return n
}

// cluster is the balancer, its two instances and the database they share.
type cluster struct {
	t         *testing.T
	url       string // the balancer's, the instances' PUBLIC_URL
	dsn       string
	vars      map[string]string // the instances' environment, for in-process commands
	instances [2]*instance
	lb        *haproxytest.HAProxy // its Log: its requests, its servers going down and up
	fake      *fakeTwilio
	player    *twilioPlayer
}

// startCluster starts HAProxy in front of two ports, then both instances
// at once on an empty database, and waits until each answers.
func startCluster(t *testing.T) *cluster {
	t.Helper()
	haproxy := haproxyPath(t)
	dsn := pgtest.Database(t)
	bin := phonegateBinary(t)
	dir := t.TempDir()
	c := &cluster{t: t, dsn: dsn}
	lbPort := strconv.Itoa(proxytest.FreePort(t))
	c.url = "http://127.0.0.1:" + lbPort
	c.fake = newFakeTwilio(t)
	c.player = newTwilioPlayer(t, c.fake)
	fc := c.fake.Config()
	c.vars = map[string]string{
		"PHONEGATE_DB":              dsn,
		"PHONEGATE_SECRET_FILE":     filepath.Join(dir, "phonegate.key"),
		"PUBLIC_URL":                c.url,
		"PHONEGATE_NGROK_API":       "http://127.0.0.1:1/api/tunnels",
		"PHONEGATE_TRUSTED_PROXIES": "127.0.0.1/32",
		"LOG_LEVEL":                 "debug",
		"LOG_FORMAT":                "json",
		"TWILIO_ACCOUNT_SID":        fc.AccountSID,
		"TWILIO_AUTH_TOKEN":         fc.AuthToken,
		"TWILIO_FROM":               fc.From,
		"TWILIO_API_URL":            fc.APIURL,
	}
	// The key is shared: made once here, before either instance starts.
	if _, err := loadKey(c.vars["PHONEGATE_SECRET_FILE"], zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"a", "b"} {
		c.instances[i] = &instance{name: name, addr: "127.0.0.1:" + strconv.Itoa(proxytest.FreePort(t)), logs: &syncBuffer{}, done: make(chan error, 1)}
	}
	// Health checks are HEAD /healthz, every 200 ms, so that they never count among the GET
	// requests the stories aim and count; a server is out after two failed checks (a killed
	// one refuses at once) and back after one good one. A request whose connection is refused
	// is tried again on the other server (retries, redispatch); one already sent to a server
	// that dies is not, as HAProxy cannot know whether it was applied. Each request is logged
	// with the server that answered it, how it ended and its retries, and the id the load of
	// TestInstanceKilled gives it.
	lb, err := haproxytest.Start(haproxy, dir, haproxytest.Config{
		Frontends:     []haproxytest.Frontend{{Name: "gate", Listen: "127.0.0.1:" + lbPort, Servers: []string{c.instances[0].addr, c.instances[1].addr}}},
		GlobalLines:   []string{"log stdout format raw local0"},
		DefaultsLines: []string{"log global", "timeout check 2s", "retries 2", "option redispatch 1"},
		FrontendLines: []string{`log-format "lb id=%[capture.req.hdr(0)] server=%s status=%ST term=%tsc retries=%rc"`,
			"http-request capture req.hdr(x-load-id) len 16"},
		BackendLines: []string{"option httpchk HEAD /healthz", "default-server check inter 200ms fall 2 rise 1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.lb = lb
	t.Cleanup(func() {
		lb.Stop()
		if t.Failed() {
			t.Logf("haproxy log:\n%s", lb.Log())
		}
	})

	var env []string
	for k, v := range c.vars {
		env = append(env, k+"="+v)
	}
	for _, in := range c.instances {
		in.cmd = exec.Command(bin, "serve")
		in.cmd.Env = append(os.Environ(), append(env, "PHONEGATE_ADDR="+in.addr)...)
		in.cmd.Stdout, in.cmd.Stderr = in.logs, in.logs
		in.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	}
	for _, in := range c.instances { // at once: both migrate the empty database
		if err := in.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func(in *instance) { in.done <- in.cmd.Wait() }(in)
	}
	t.Cleanup(func() {
		for _, in := range c.instances {
			_ = in.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-in.done:
			case <-time.After(10 * time.Second):
				_ = in.cmd.Process.Kill()
				<-in.done
			}
			if t.Failed() {
				t.Logf("instance %s log:\n%s", in.name, in.logs.String())
			}
		}
	})
	for _, in := range c.instances {
		c.waitUp(in)
	}
	c.waitBalanced()
	return c
}

// waitBalanced waits until the balancer sends requests to both instances: its health checks
// have found each up.
func (c *cluster) waitBalanced() {
	c.t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	before := c.counts(http.MethodGet, "/healthz")
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := client.Get(c.url + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		if after := c.counts(http.MethodGet, "/healthz"); after[0] > before[0] && after[1] > before[1] {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.t.Fatalf("the balancer did not send to both instances:\n%s", c.lb.Log())
}

// waitUp waits until the instance answers /healthz directly.
func (c *cluster) waitUp(in *instance) {
	c.t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-in.done:
			c.t.Fatalf("instance %s exited: %v\n%s", in.name, err, in.logs.String())
		default:
		}
		res, err := client.Get("http://" + in.addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("instance %s did not answer /healthz:\n%s", in.name, in.logs.String())
}

// counts returns how many requests for method and path each instance logged.
func (c *cluster) counts(method, path string) [2]int {
	return [2]int{c.instances[0].requests(method, path), c.instances[1].requests(method, path)}
}

// servedBy runs do, one request for method and path, and returns the index
// of the instance that logged it.
func (c *cluster) servedBy(method, path string, do func()) int {
	c.t.Helper()
	before := c.counts(method, path)
	do()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		after := c.counts(method, path)
		switch {
		case after[0] > before[0] && after[1] == before[1]:
			return 0
		case after[1] > before[1] && after[0] == before[0]:
			return 1
		case after != before:
			c.t.Fatalf("%s %s logged by both instances: %v then %v", method, path, before, after)
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatalf("no instance logged %s %s", method, path)
	return -1
}

// aim makes the balancer's next request go to instance i: it asks for
// /healthz through the balancer until the other instance answers one.
func (c *cluster) aim(i int) {
	c.t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	for range 10 {
		if c.servedBy(http.MethodGet, "/healthz", func() {
			res, err := client.Get(c.url + "/healthz")
			if err != nil {
				c.t.Fatal(err)
			}
			res.Body.Close()
		}) == 1-i {
			return
		}
	}
	c.t.Fatalf("the balancer never sent /healthz to instance %d", 1-i)
}

// e2e returns the cluster as the stories' helpers see a gate (its URL and
// Twilio's part; db a store of the cluster's database opened here) and a
// service on that store for setting up accounts.
func (c *cluster) e2e(ctx context.Context) (*e2e, *phonegate.Service) {
	c.t.Helper()
	cfg, err := parseConfig(env(c.vars))
	if err != nil {
		c.t.Fatal(err)
	}
	srv, db, err := openAdmin(ctx, cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { db.Close() })
	return &e2e{t: c.t, url: c.url, vars: c.vars, cfg: cfg, db: db, fake: c.fake, player: c.player}, srv
}
