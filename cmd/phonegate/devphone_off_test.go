package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// TestDevPhoneOffBehindTunnel: in dev mode, a public URL that is not
// loopback, given or found through the ngrok agent, turns the dev phone
// off, and the log says so at start; a loopback one leaves it on, quietly.
func TestDevPhoneOffBehindTunnel(t *testing.T) {
	agent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(ngrokTestTunnel("https", "https://gate-1234.ngrok-free.app", "http://localhost:8080")))
	}))
	t.Cleanup(agent.Close)
	tests := []struct {
		name      string
		publicURL string
		ngrokAPI  string
		wantURL   string
		on        bool
	}{
		{name: "ngrok tunnel found", ngrokAPI: agent.URL, wantURL: "https://gate-1234.ngrok-free.app"},
		{name: "PUBLIC_URL of a tunnel", publicURL: "https://example.ngrok.app", ngrokAPI: "http://127.0.0.1:1/api/tunnels",
			wantURL: "https://example.ngrok.app"},
		{name: "no tunnel", ngrokAPI: "http://127.0.0.1:1/api/tunnels", wantURL: "http://127.0.0.1:8080", on: true},
		{name: "PUBLIC_URL on localhost", publicURL: "http://localhost:8080", ngrokAPI: agent.URL, wantURL: "http://localhost:8080", on: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(env(map[string]string{
				"PHONEGATE_DB":        filepath.Join(t.TempDir(), "phonegate.db"),
				"PUBLIC_URL":          tt.publicURL,
				"PHONEGATE_NGROK_API": tt.ngrokAPI,
			}))
			if err != nil {
				t.Fatal(err)
			}
			var logs syncBuffer
			srv, db, err := openServer(context.Background(), cfg, zerolog.New(&logs))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if got := srv.DevTools(); got != tt.on {
				t.Errorf("DevTools() = %v, want %v", got, tt.on)
			}
			logged := strings.Contains(logs.String(), "the dev phone and the dev mailbox are off")
			if logged == tt.on {
				t.Errorf("the log says the dev phone is off: %v, want %v\n%s", logged, !tt.on, logs.String())
			}
			if !tt.on && !strings.Contains(logs.String(), tt.wantURL) {
				t.Errorf("the log does not name the public URL %s:\n%s", tt.wantURL, logs.String())
			}

			// Even on loopback, asked from this machine, the page is not there.
			req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080/dev/phone", nil)
			req.RemoteAddr = "127.0.0.1:50000"
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			want := http.StatusSeeOther // to the login page: the dev phone is there
			if !tt.on {
				want = http.StatusNotFound
			}
			if rec.Code != want {
				t.Errorf("GET /dev/phone on loopback: got %d, want %d", rec.Code, want)
			}
		})
	}
}
