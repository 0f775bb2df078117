// Package haproxytest runs Debian's HAProxy on loopback in front of
// several servers, balancing round robin without stickiness, so that
// consecutive requests of one client reach different servers. The
// instance tests of cmd/phonegate and the load tool's -instances use it.
// It needs no testing.T: the caller decides whether a missing binary is
// a skip or a failure.
package haproxytest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Frontend is one address HAProxy listens on and the servers it spreads
// that address's requests over.
type Frontend struct {
	Name    string   // names the frontend and its backend in the config
	Listen  string   // host:port
	Servers []string // host:port of each server, in order
}

// Config is what one HAProxy process serves. The Lines fields add
// directives, one a line, to the sections the config always has (logging,
// retries, health checks, say).
type Config struct {
	Frontends []Frontend
	// GlobalLines are added to the global section ("log stdout format raw
	// local0").
	GlobalLines []string
	// DefaultsLines are added to the defaults section ("retries 2").
	DefaultsLines []string
	// FrontendLines are added to every frontend section (a log-format).
	FrontendLines []string
	// BackendLines are added to every backend section ("option httpchk
	// HEAD /healthz").
	BackendLines []string
	// ServerOptions are appended to every server line ("check inter
	// 200ms").
	ServerOptions string
}

// Text is the configuration file for c: HTTP mode, X-Forwarded-For added,
// round robin over each frontend's servers.
func (c Config) Text() string {
	var b strings.Builder
	b.WriteString("global\n\tmaxconn 2000\n")
	lines(&b, c.GlobalLines)
	b.WriteString(`defaults
	mode http
	timeout connect 5s
	timeout client 30s
	timeout server 30s
	option forwardfor
`)
	lines(&b, c.DefaultsLines)
	for _, f := range c.Frontends {
		fmt.Fprintf(&b, "frontend %s\n\tbind %s\n", f.Name, f.Listen)
		lines(&b, c.FrontendLines)
		fmt.Fprintf(&b, "\tdefault_backend %s_servers\n", f.Name)
		fmt.Fprintf(&b, "backend %s_servers\n\tbalance roundrobin\n", f.Name)
		lines(&b, c.BackendLines)
		for i, s := range f.Servers {
			line := fmt.Sprintf("\tserver %s %s", serverName(i), s)
			if c.ServerOptions != "" {
				line += " " + c.ServerOptions
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// lines writes each of ls as a line of a section.
func lines(b *strings.Builder, ls []string) {
	for _, l := range ls {
		fmt.Fprintf(b, "\t%s\n", l)
	}
}

// serverName names the i-th server of a backend: a, b, c, … then s26, s27, ….
func serverName(i int) string {
	if i < 26 {
		return string(rune('a' + i))
	}
	return fmt.Sprintf("s%d", i)
}

// ErrNotFound says that the haproxy binary is missing.
var ErrNotFound = errors.New("haproxy not found (apt-get install haproxy)")

// Binary returns the path of Debian's haproxy, or ErrNotFound.
func Binary() (string, error) {
	for _, p := range []string{"/usr/sbin/haproxy", "haproxy"} {
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
	}
	return "", ErrNotFound
}

// HAProxy is a running haproxy process.
type HAProxy struct {
	cmd  *exec.Cmd
	log  *buffer
	done chan struct{}
	err  error // why it exited, once done is closed
	once sync.Once
}

// Start writes c into dir as haproxy.cfg, starts bin on it in the
// foreground (a child that is killed when the thread that started it
// ends), and waits until every frontend accepts connections.
func Start(bin, dir string, c Config) (*HAProxy, error) {
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(c.Text()), 0o644); err != nil {
		return nil, fmt.Errorf("haproxy: %w", err)
	}
	h := &HAProxy{log: &buffer{}, done: make(chan struct{})}
	h.cmd = exec.Command(bin, "-db", "-f", path)
	h.cmd.Stdout, h.cmd.Stderr = h.log, h.log
	h.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := h.cmd.Start(); err != nil {
		return nil, fmt.Errorf("haproxy: %w", err)
	}
	go func() {
		h.err = h.cmd.Wait()
		close(h.done)
	}()
	for _, f := range c.Frontends {
		if err := h.waitListening(f.Listen, 15*time.Second); err != nil {
			h.Stop()
			return nil, err
		}
	}
	return h, nil
}

// waitListening waits until addr accepts a connection, haproxy exits, or
// the time is up.
func (h *HAProxy) waitListening(addr string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-h.done:
			return fmt.Errorf("haproxy exited (%v) before it listened on %s:\n%s", h.err, addr, h.Log())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("haproxy did not listen on %s within %v:\n%s", addr, within, h.Log())
		}
	}
}

// PID is the process's ID.
func (h *HAProxy) PID() int { return h.cmd.Process.Pid }

// Log returns what haproxy has written so far.
func (h *HAProxy) Log() string { return h.log.String() }

// Stop kills haproxy and waits for it to go; it may be called more than
// once.
func (h *HAProxy) Stop() {
	h.once.Do(func() { _ = h.cmd.Process.Kill() })
	<-h.done
}

// buffer is a bytes.Buffer that haproxy's output and a reader may use at
// once.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
