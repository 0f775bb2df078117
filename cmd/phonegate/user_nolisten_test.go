package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestUserCommandsStartNoServer: the user commands call the service and
// nothing else. They work while the address the server would listen on is
// taken, never ask the ngrok agent (whose API here answers with a tunnel),
// and so link to the local URL of the configured port.
func TestUserCommandsStartNoServer(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, port, _ := net.SplitHostPort(taken.Addr().String())

	var asked atomic.Int32
	ngrok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		io.WriteString(w, `{"tunnels":[{"public_url":"https://tunnel.example","proto":"https",`+
			`"config":{"addr":"http://localhost:`+port+`"}}]}`)
	}))
	defer ngrok.Close()

	e := env(map[string]string{
		"PHONEGATE_DB":        filepath.Join(t.TempDir(), "phonegate.db"),
		"PHONEGATE_ADDR":      taken.Addr().String(),
		"PORT":                port,
		"PHONEGATE_NGROK_API": ngrok.URL + "/api/tunnels",
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "add", "--email", "bob@example.com", "--project", "Engine", "--invite"},
		e, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("user add with the address taken: %v", err)
	}
	if want := "http://127.0.0.1:" + port + "/invite/"; !strings.Contains(out.String(), want) {
		t.Errorf("user add printed %q, want a link starting %s", out.String(), want)
	}
	if err := run(ctx, []string{"user", "reset-2fa", "--email", "bob@example.com"}, e, nil, io.Discard, io.Discard); err != nil {
		t.Errorf("user reset-2fa with the address taken: %v", err)
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("the user commands asked the ngrok agent %d times, want none", n)
	}
}
