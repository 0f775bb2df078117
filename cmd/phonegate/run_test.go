package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"bad port", nil, map[string]string{"PORT": "abc"}},
		{"unknown command", []string{"frobnicate"}, nil},
		{"user add without email", []string{"user", "add", "--project", "P"}, nil},
		{"user add bad role", []string{"user", "add", "--email", "a@b.c", "--project", "P", "--role", "boss"}, nil},
		{"configure in dev mode", []string{"twilio", "configure"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			e := map[string]string{"PHONEGATE_DB": filepath.Join(dir, "x.db")}
			for k, v := range tt.env {
				e[k] = v
			}
			err := run(context.Background(), tt.args, env(e), strings.NewReader(""), io.Discard, io.Discard)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want a usageError (exit status 2)", err)
			}
			if strings.Contains(ue.msg, "\n\n") || ue.msg == "" {
				t.Errorf("message %q is not one clear line", ue.msg)
			}
		})
	}
}

func TestRunVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(nil), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "phonegate ") {
		t.Errorf("version printed %q", out.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the server's log and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServeDevMode starts the real server as `go run ./cmd/phonegate`
// would, on a fresh directory, and stops it as SIGTERM would.
func TestServeDevMode(t *testing.T) {
	s := startDev(t)
	res, err := http.Get("http://" + s.addr + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	for _, f := range []string{"phonegate.db", "phonegate.key"} {
		if _, err := os.Stat(filepath.Join(s.dir, f)); err != nil {
			t.Errorf("%s not created: %v", f, err)
		}
	}
	if fi, _ := os.Stat(filepath.Join(s.dir, "phonegate.key")); fi != nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("key mode = %v, want 0600", fi.Mode().Perm())
	}
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(s.logs.String(), "/setup?token="); {
		if time.Now().After(deadline) {
			t.Fatalf("no setup link in the log:\n%s", s.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.stop(); err != nil {
		t.Fatalf("serve returned %v", err)
	}
	if !strings.Contains(s.logs.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", s.logs.String())
	}
}

func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{
		"PHONEGATE_DB":        filepath.Join(dir, "phonegate.db"),
		"PHONEGATE_NGROK_API": "http://127.0.0.1:1/api/tunnels",
	})
	ctx := context.Background()
	var out bytes.Buffer
	err := run(ctx, []string{"user", "add", "--email", "ada@example.com", "--project", "Engine", "--role", "owner"},
		e, strings.NewReader("correct horse battery staple\n"), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `added ada@example.com to project "Engine" as owner`) {
		t.Errorf("user add printed %q", out.String())
	}
	out.Reset()
	err = run(ctx, []string{"user", "add", "--email", "bob@example.com", "--project", "Engine", "--invite"},
		e, strings.NewReader(""), &out, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`http://127\.0\.0\.1:8080/invite/[A-Za-z0-9_-]{22}`).MatchString(out.String()) {
		t.Errorf("user add --invite printed no invite link: %q", out.String())
	}
	err = run(ctx, []string{"user", "add", "--email", "eve@example.com", "--project", "Engine"},
		e, strings.NewReader("short\n"), io.Discard, io.Discard)
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("short password: err = %v, want a usageError", err)
	}
	err = run(ctx, []string{"user", "add", "--email", "eve@example.com", "--project", "Engine"},
		e, strings.NewReader("password1234\n"), io.Discard, io.Discard)
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "too easy to guess") {
		t.Errorf("common password: err = %v, want a usageError saying it is too easy to guess", err)
	}
	out.Reset()
	if err := run(ctx, []string{"user", "reset-2fa", "--email", "ada@example.com"}, e, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`recovery code .*\n[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\n`).MatchString(out.String()) {
		t.Errorf("user reset-2fa printed no recovery code: %q", out.String())
	}
	if err := run(ctx, []string{"user", "reset-2fa", "--email", "nobody@example.com"}, e, nil, io.Discard, io.Discard); err == nil {
		t.Error("reset-2fa of an unknown email succeeded")
	}
}

// TestSetGC: serve's GC target and memory limit apply unless the operator
// set GOGC or GOMEMLIMIT.
func TestSetGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() {
		debug.SetGCPercent(old)
		debug.SetMemoryLimit(oldLimit)
	})
	if got := setGC(func(string) string { return "" }); got != serverMemoryLimit {
		t.Errorf("GOMEMLIMIT unset: setGC returned %d, want %d", got, serverMemoryLimit)
	}
	if got := debug.SetGCPercent(100); got != serverGOGC {
		t.Errorf("GOGC unset: GC percent = %d, want %d", got, serverGOGC)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != serverMemoryLimit {
		t.Errorf("GOMEMLIMIT unset: memory limit = %d, want %d", got, serverMemoryLimit)
	}
	got := setGC(func(k string) string {
		switch k {
		case "GOGC":
			return "50"
		case "GOMEMLIMIT":
			return "1GiB"
		}
		return ""
	})
	if got != 0 {
		t.Errorf("GOMEMLIMIT set: setGC returned %d, want 0", got)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: GC percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: memory limit changed to %d", got)
	}
}
