package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestParseMetricsAddr(t *testing.T) {
	tests := []struct {
		name, v string
		dev     bool
		want    string
		bad     bool
	}{
		{"production default: none", "", false, "", false},
		{"dev default: a free loopback port", "", true, devMetricsAddr, false},
		{"dev turned off", "off", true, "", false},
		{"production on a private address", "10.0.0.5:9464", false, "10.0.0.5:9464", false},
		{"dev on a fixed loopback port", "127.0.0.1:9464", true, "127.0.0.1:9464", false},
		{"dev not on loopback", "0.0.0.0:9464", true, "", true},
		{"no port", "localhost", false, "", true},
		{"bad port", "localhost:99999", false, "", true},
		{"the server's own address", "127.0.0.1:8080", true, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMetricsAddr(tt.v, tt.dev, "127.0.0.1:8080")
			if _, usage := errors.AsType[usageError](err); usage != tt.bad || (err != nil) != tt.bad {
				t.Fatalf("err = %v, want a usage error: %v", err, tt.bad)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestServeMetricsApart starts two dev servers at once with the default
// metrics address: each serves its figures on a loopback port of its own,
// which the log names, and neither serves them on its public address.
func TestServeMetricsApart(t *testing.T) {
	servers := []*devServer{startDev(t), startDev(t)}
	if servers[0].metrics == servers[1].metrics {
		t.Fatalf("both dev servers serve metrics on %s", servers[0].metrics)
	}
	for _, s := range servers {
		if res, err := http.Get("http://" + s.addr + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %v %v", res, err)
		}
		res, err := http.Get("http://" + s.addr + "/metrics")
		if err != nil || res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /metrics on the public address: %v %v, want 404", res, err)
		}
		res, err = http.Get("http://" + s.metrics + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		want := `phonegate_http_requests_total{method="GET",route="/healthz",status="200"} 1`
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("scrape of %s: got %d, want 200 with %s\n%s", s.metrics, res.StatusCode, want, body)
		}
	}
}

// devServer is a real dev server of a test, started by startDev.
type devServer struct {
	dir           string      // its directory: the database and the key
	addr, metrics string      // the addresses its log names: the server's and the metrics'
	logs          *syncBuffer // its log
	stop          func() error
}

// startDev runs a dev server on a fresh directory and free ports, as
// `go run ./cmd/phonegate` would, until stop (as SIGTERM would) or the
// end of the test.
func startDev(t *testing.T) *devServer {
	t.Helper()
	s := &devServer{dir: t.TempDir(), logs: &syncBuffer{}}
	e := env(map[string]string{
		"PHONEGATE_DB":        filepath.Join(s.dir, "phonegate.db"),
		"PHONEGATE_ADDR":      "127.0.0.1:0",
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, e, nil, io.Discard, s.logs) }()
	var once sync.Once
	var err error
	s.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				err = errors.New("serve did not stop")
			}
		})
		return err
	}
	t.Cleanup(func() { s.stop() })
	addrRE := regexp.MustCompile(` addr=(127\.0\.0\.1:\d+)`)
	metricsRE := regexp.MustCompile(`metrics_addr=(127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(20 * time.Second); s.addr == "" || s.metrics == ""; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the server did not log both addresses:\n%s", s.logs.String())
		}
		if m := addrRE.FindStringSubmatch(s.logs.String()); m != nil {
			s.addr = m[1]
		}
		if m := metricsRE.FindStringSubmatch(s.logs.String()); m != nil {
			s.metrics = m[1]
		}
	}
	return s
}
