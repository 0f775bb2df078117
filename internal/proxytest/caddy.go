package proxytest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// CaddyfileFor is the Caddyfile of the README's Caddy section for cfg,
// listening on addr: forward_auth asks the gate's /auth/forward about
// every request and copies the identity headers to the app.
func CaddyfileFor(cfg Config, addr string) string {
	_, port, _ := strings.Cut(addr, ":")
	return fmt.Sprintf(`{
	admin off
	auto_https off
}

http://%s:%s {
	bind 127.0.0.1
	forward_auth %s {
		uri /auth/forward
		copy_headers %s
	}
	reverse_proxy %s
}
`, cfg.Host, port, cfg.Gate, headerList(" "), cfg.Upstream)
}

// Caddy runs Caddy for the test in front of cfg.Upstream.
func Caddy(t testing.TB, cfg Config) *Proxy {
	t.Helper()
	bin := need(t, "caddy", "caddy")
	dir := t.TempDir()
	addr := listenAddr(t)
	conf := write(t, dir, "Caddyfile", CaddyfileFor(cfg, addr))
	cmd := exec.Command(bin, "run", "--config", conf, "--adapter", "caddyfile")
	cmd.Env = []string{"HOME=" + dir, "XDG_DATA_HOME=" + filepath.Join(dir, "data"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config")}
	run(t, cmd, addr, filepath.Join(dir, "caddy.log"))
	return &Proxy{Addr: addr, Host: cfg.Host}
}
