package haproxytest_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/internal/haproxytest"
	"github.com/phonegate/phonegate/internal/proxytest"
)

// TestRoundRobin: two servers behind HAProxy answer alternate requests of
// one keep-alive client, and each sees the client's address in
// X-Forwarded-For.
func TestRoundRobin(t *testing.T) {
	bin, err := haproxytest.Binary()
	if errors.Is(err, haproxytest.ErrNotFound) {
		if os.Getenv("PHONEGATE_HAPROXY_TESTS") == "required" {
			t.Fatalf("%v; PHONEGATE_HAPROXY_TESTS=required", err)
		}
		t.Skip(err)
	}
	var servers []string
	for _, name := range []string{"one", "two"} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, name+" "+r.Header.Get("X-Forwarded-For"))
		}))
		t.Cleanup(s.Close)
		servers = append(servers, s.Listener.Addr().String())
	}
	listen := "127.0.0.1:" + strconv.Itoa(proxytest.FreePort(t))
	h, err := haproxytest.Start(bin, t.TempDir(), haproxytest.Config{
		Frontends: []haproxytest.Frontend{{Name: "gate", Listen: listen, Servers: servers}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Stop)
	var got []string
	for range 4 {
		res, err := http.Get("http://" + listen + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got = append(got, string(b))
	}
	want := []string{"one 127.0.0.1", "two 127.0.0.1", "one 127.0.0.1", "two 127.0.0.1"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("answers %q, want %q", got, want)
	}
}

// TestText: the lines given reach their sections, every frontend, every
// backend and every server line.
func TestText(t *testing.T) {
	c := haproxytest.Config{
		Frontends: []haproxytest.Frontend{
			{Name: "gate", Listen: "127.0.0.1:1", Servers: []string{"127.0.0.1:2", "127.0.0.1:3"}},
			{Name: "base", Listen: "127.0.0.1:4", Servers: []string{"127.0.0.1:5"}},
		},
		GlobalLines:   []string{"log stdout format raw local0"},
		DefaultsLines: []string{"retries 2"},
		FrontendLines: []string{"http-request capture req.hdr(x-load-id) len 16"},
		ServerOptions: "check inter 200ms",
		BackendLines:  []string{"option redispatch"},
	}
	text := c.Text()
	for _, want := range []string{
		"global\n\tmaxconn 2000\n\tlog stdout format raw local0\ndefaults\n",
		"\toption forwardfor\n\tretries 2\nfrontend gate\n",
		"frontend gate\n\tbind 127.0.0.1:1\n\thttp-request capture req.hdr(x-load-id) len 16\n\tdefault_backend gate_servers\n",
		"backend gate_servers\n\tbalance roundrobin\n\toption redispatch\n\tserver a 127.0.0.1:2 check inter 200ms\n\tserver b 127.0.0.1:3 check inter 200ms\n",
		"backend base_servers\n\tbalance roundrobin\n\toption redispatch\n\tserver a 127.0.0.1:5 check inter 200ms\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("config lacks %q:\n%s", want, text)
		}
	}
}

// TestREADMEBackend: the README's HAProxy backend for several instances,
// its options as written, balances two servers and, when one stops, sends
// its requests to the other (retries and redispatch) before any health
// check has noticed.
func TestREADMEBackend(t *testing.T) {
	bin, err := haproxytest.Binary()
	if errors.Is(err, haproxytest.ErrNotFound) {
		if os.Getenv("PHONEGATE_HAPROXY_TESTS") == "required" {
			t.Fatalf("%v; PHONEGATE_HAPROXY_TESTS=required", err)
		}
		t.Skip(err)
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section, ok := proxytest.READMESection(string(b), "## Running on PostgreSQL")
	if !ok {
		t.Fatal(`the README has no "Running on PostgreSQL" section`)
	}
	var backend []string
	for _, blk := range proxytest.FencedBlocks(section) {
		if strings.HasPrefix(blk, "backend phonegate\n") {
			for _, l := range strings.Split(strings.TrimSpace(blk), "\n")[1:] {
				l = strings.TrimSpace(l)
				// The balance is the package's own; the servers are ours.
				if !strings.HasPrefix(l, "server ") && l != "balance roundrobin" {
					backend = append(backend, l)
				}
			}
		}
	}
	if len(backend) == 0 {
		t.Fatal("the README's HAProxy backend block is missing")
	}
	var servers []string
	var closers []func()
	for _, name := range []string{"one", "two"} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, name)
		}))
		t.Cleanup(s.Close)
		servers, closers = append(servers, s.Listener.Addr().String()), append(closers, s.Close)
	}
	listen := "127.0.0.1:" + strconv.Itoa(proxytest.FreePort(t))
	h, err := haproxytest.Start(bin, t.TempDir(), haproxytest.Config{
		Frontends:    []haproxytest.Frontend{{Name: "gate", Listen: listen, Servers: servers}},
		BackendLines: backend,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Stop)
	get := func() string {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := c.Get("http://" + listen + "/")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.Status + " " + string(b)
	}
	seen := map[string]int{}
	for range 4 {
		seen[get()]++
	}
	if seen["200 OK one"] != 2 || seen["200 OK two"] != 2 {
		t.Errorf("with both servers up: %v, want two answers from each", seen)
	}
	closers[0]()
	for i := range 6 {
		if got := get(); got != "200 OK two" {
			t.Errorf("request %d after server one stopped: %q, want 200 from two", i, got)
		}
	}
}
