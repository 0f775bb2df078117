package proxytest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// CaddySiteFor is the site block of the README's Caddy section for cfg,
// at the site address site: forward_auth asks the gate's /auth/forward
// about every request and copies the identity headers to the app.
func CaddySiteFor(cfg Config, site string) string {
	return fmt.Sprintf(`%s {
	forward_auth %s {
		uri /auth/forward
		copy_headers %s
	}
	reverse_proxy %s
}
`, site, cfg.Gate, headerList(" "), cfg.Upstream)
}

// CaddyfileFor is the Caddyfile the tests run: the README's site block
// for cfg, served over plain http on addr's port of loopback, with no
// admin endpoint.
func CaddyfileFor(cfg Config, addr string) string {
	_, port, _ := strings.Cut(addr, ":")
	return "{\n\tadmin off\n\tauto_https off\n\tdefault_bind 127.0.0.1\n}\n\n" +
		CaddySiteFor(cfg, "http://"+cfg.Host+":"+port)
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
