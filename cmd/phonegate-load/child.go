package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// child is a server the load tool started: phonegate or the baseline.
type child struct {
	name    string
	addr    string // 127.0.0.1:port
	cmd     *exec.Cmd
	logPath string // its stderr
	exited  chan struct{}
	err     error // why it exited, once exited is closed
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startChild starts bin with args and env, its stdout and stderr appended
// to logPath, and waits until GET /healthz on addr answers 200.
func startChild(ctx context.Context, name, addr, bin string, args, env []string, logPath string) (*child, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	defer logf.Close() // the child holds its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, addr: addr, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.exited)
	}()
	if err := c.waitReady(ctx, 30*time.Second); err != nil {
		c.kill()
		return nil, err
	}
	return c, nil
}

func (c *child) base() string { return "http://" + c.addr }

func (c *child) pid() int { return c.cmd.Process.Pid }

// waitReady polls /healthz until it answers 200, the child exits, or the
// time is up.
func (c *child) waitReady(ctx context.Context, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	hc := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.base()+"/healthz", nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-c.exited:
			return fmt.Errorf("%s exited before it was ready (%v); its log: %s", c.name, c.err, c.logPath)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready within %v; its log: %s", c.name, within, c.logPath)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop asks the child to finish (SIGTERM), as an operator would, and kills
// it if it has not within the grace period.
func (c *child) stop() error {
	select {
	case <-c.exited:
		return nil
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("stop %s: %w", c.name, err)
	}
	select {
	case <-c.exited:
		var ee *exec.ExitError
		if c.err != nil && !errors.As(c.err, &ee) {
			return fmt.Errorf("stop %s: %w", c.name, c.err)
		}
		if c.err != nil {
			return fmt.Errorf("%s exited with %v on SIGTERM; its log: %s", c.name, c.err, c.logPath)
		}
		return nil
	case <-time.After(25 * time.Second):
		c.kill()
		return fmt.Errorf("%s did not stop within 25s of SIGTERM and was killed", c.name)
	}
}

// kill sends SIGKILL: no chance to finish anything, as in a power cut of
// the process (not of the machine).
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	<-c.exited
}

// logsContain reports how many times s occurs in the children's logs.
func logsContain(paths []string, s string) (int, error) {
	n := 0
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return 0, err
		}
		n += strings.Count(string(b), s)
	}
	return n, nil
}

// childEnv returns the load tool's environment without any variable the
// server reads, then extra: the server sees exactly the configuration the
// scenario gives it.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "PHONEGATE_"), strings.HasPrefix(k, "TWILIO_"), strings.HasPrefix(k, "LOG_"),
			k == "PORT", k == "PUBLIC_URL":
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}
