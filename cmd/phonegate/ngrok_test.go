package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// ngrokTestAgent serves body as an ngrok agent's /api/tunnels and returns
// its URL.
func ngrokTestAgent(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/tunnels" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/tunnels"
}

func TestDiscoverNgrokURL(t *testing.T) {
	// Shaped like an ngrok v3 agent's answer, trimmed.
	const several = `{"tunnels":[
		{"name":"db","public_url":"tcp://0.tcp.ngrok.io:12345","proto":"tcp","config":{"addr":"localhost:5432","inspect":false}},
		{"name":"other","public_url":"https://other.ngrok.app","proto":"https","config":{"addr":"http://localhost:3000","inspect":true}},
		{"name":"remote","public_url":"https://remote.ngrok.app","proto":"https","config":{"addr":"http://192.168.1.9:8080","inspect":true}},
		{"name":"gate","public_url":"https://gate-1234.ngrok-free.app","proto":"https","config":{"addr":"http://localhost:8080","inspect":true}}
	],"uri":"/api/tunnels"}`
	tests := []struct {
		name    string
		body    string
		port    string
		want    string
		wantErr error // errNgrok* sentinel, or nil
	}{
		{name: "several tunnels", body: several, port: "8080", want: "https://gate-1234.ngrok-free.app"},
		{name: "port with colon", body: several, port: ":3000", want: "https://other.ngrok.app"},
		{name: "addr host:port", body: ngrokTestTunnel("https", "https://a.ngrok.app", "localhost:8080"), port: "8080", want: "https://a.ngrok.app"},
		{name: "addr port only", body: ngrokTestTunnel("https", "https://a.ngrok.app", "8080"), port: "8080", want: "https://a.ngrok.app"},
		{name: "addr loopback IP", body: ngrokTestTunnel("https", "https://a.ngrok.app", "127.0.0.1:8080"), port: "8080", want: "https://a.ngrok.app"},
		{name: "addr IPv6 loopback", body: ngrokTestTunnel("https", "https://a.ngrok.app", "http://[::1]:8080"), port: "8080", want: "https://a.ngrok.app"},
		{name: "addr without port", body: ngrokTestTunnel("https", "https://a.ngrok.app", "http://localhost"), port: "80", want: "https://a.ngrok.app"},
		{name: "trailing slash dropped", body: ngrokTestTunnel("https", "https://a.ngrok.app/", "8080"), port: "8080", want: "https://a.ngrok.app"},
		{
			name: "https preferred over http",
			body: `{"tunnels":[
				{"public_url":"http://a.ngrok.io","proto":"http","config":{"addr":"http://localhost:8080"}},
				{"public_url":"https://a.ngrok.io","proto":"https","config":{"addr":"http://localhost:8080"}}]}`,
			port: "8080",
			want: "https://a.ngrok.io",
		},
		{name: "http only", body: ngrokTestTunnel("http", "http://a.ngrok.io", "http://localhost:8080"), port: "8080", wantErr: errNgrokNoTunnel},
		{name: "wrong port", body: several, port: "9090", wantErr: errNgrokNoTunnel},
		{name: "other machine", body: ngrokTestTunnel("https", "https://a.ngrok.app", "http://10.0.0.5:8080"), port: "8080", wantErr: errNgrokNoTunnel},
		{name: "no tunnels", body: `{"tunnels":[],"uri":"/api/tunnels"}`, port: "8080", wantErr: errNgrokNoTunnel},
		{name: "garbage", body: `<html>not ngrok</html>`, port: "8080"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			agent := ngrokTestAgent(t, http.StatusOK, tt.body)

			got, err := discoverNgrokURL(t.Context(), agent, tt.port, nil)
			wantFail := tt.want == ""
			if wantFail {
				if err == nil {
					t.Fatalf("discoverNgrokURL = %q, want an error", got)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error = %v, want %v", err, tt.wantErr)
				}
				if errors.Is(err, errNgrokNotRunning) {
					t.Errorf("error = %v, but the agent was running", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("discoverNgrokURL: %v", err)
			}
			if got != tt.want {
				t.Errorf("discoverNgrokURL = %q, want %q", got, tt.want)
			}
		})
	}
}

// ngrokTestTunnel is an agent answer with a single tunnel.
func ngrokTestTunnel(proto, publicURL, addr string) string {
	return `{"tunnels":[{"public_url":"` + publicURL + `","proto":"` + proto + `","config":{"addr":"` + addr + `"}}]}`
}

func TestDiscoverNgrokURLAgentProblems(t *testing.T) {
	t.Run("agent down", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		agent := srv.URL + "/api/tunnels"
		srv.Close()

		_, err := discoverNgrokURL(t.Context(), agent, "8080", nil)
		if !errors.Is(err, errNgrokNotRunning) {
			t.Errorf("error = %v, want errNgrokNotRunning", err)
		}
	})
	t.Run("agent error status", func(t *testing.T) {
		agent := ngrokTestAgent(t, http.StatusBadGateway, `{}`)

		_, err := discoverNgrokURL(t.Context(), agent, "8080", nil)
		if err == nil || !strings.Contains(err.Error(), "502") {
			t.Errorf("error = %v, want one naming the 502", err)
		}
	})
	t.Run("agent hangs", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) })

		start := time.Now()
		_, err := discoverNgrokURL(t.Context(), srv.URL+"/api/tunnels", "8080", http.DefaultClient)
		if !errors.Is(err, errNgrokNotRunning) {
			t.Errorf("error = %v, want errNgrokNotRunning", err)
		}
		if elapsed := time.Since(start); elapsed > ngrokTimeout+2*time.Second {
			t.Errorf("discoverNgrokURL took %v, want about %v", elapsed, ngrokTimeout)
		}
	})
	t.Run("no port", func(t *testing.T) {
		if _, err := discoverNgrokURL(t.Context(), "http://127.0.0.1:1/api/tunnels", "", nil); err == nil {
			t.Error("discoverNgrokURL with no port succeeded, want an error")
		}
	})
}

func TestPublicURLWarning(t *testing.T) {
	tests := []struct {
		url  string
		want string // a part of the warning; "" for none
	}{
		{url: "https://gate-1234.ngrok-free.app"},
		{url: "https://gate.example.com/base"},
		{url: "https://203.0.113.10:8443"},
		{url: "https://[2001:db8::1]"},
		{url: "http://gate.example.com", want: "it is http, not https"},
		{url: "https://localhost:8080", want: "localhost is this machine"},
		{url: "https://app.localhost", want: "app.localhost is this machine"},
		{url: "https://127.0.0.1:8080", want: "127.0.0.1 is a loopback address"},
		{url: "https://127.1.2.3", want: "127.1.2.3 is a loopback address"},
		{url: "https://[::1]:8080", want: "::1 is a loopback address"},
		{url: "https://0.0.0.0:8080", want: "0.0.0.0 is not a routable address"},
		{url: "https://10.1.2.3", want: "10.1.2.3 is a private network address"},
		{url: "https://172.16.0.1", want: "172.16.0.1 is a private network address"},
		{url: "https://172.31.255.254", want: "172.31.255.254 is a private network address"},
		{url: "https://172.32.0.1"}, // just past the private 172.16/12 block
		{url: "https://192.168.1.20:8080", want: "192.168.1.20 is a private network address"},
		{url: "https://[fd00::1]", want: "fd00::1 is a private network address"},
		{url: "https://169.254.1.1", want: "169.254.1.1 is a link-local address"},
		{url: "https://100.100.1.1", want: "100.100.1.1 is a carrier-grade NAT"},
		{url: "https://myhost.local", want: "myhost.local is a local network (mDNS) name"},
		{url: "https://nas.home.arpa", want: "nas.home.arpa is a local network name"},
		{url: "https://myhost", want: "myhost is not a public DNS name"},
		{url: "http://localhost:8080", want: "localhost is this machine, which Twilio cannot reach from the internet; it is http, not https"},
		{url: "localhost:8080", want: "is not an absolute http or https URL"},
		{url: "ftp://gate.example.com", want: "is not an absolute http or https URL"},
		{url: "", want: "is not an absolute http or https URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got := publicURLWarning(tt.url)
			if tt.want == "" {
				if got != "" {
					t.Errorf("publicURLWarning(%q) = %q, want none", tt.url, got)
				}
				return
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("publicURLWarning(%q) = %q, want it to contain %q", tt.url, got, tt.want)
			}
		})
	}
}
