package proxytest_test

import (
	"os"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/internal/proxytest"
)

// TestREADMEConfigs: the README's Caddy site block and nginx server block
// are, but for their addresses, the ones the tests run against the real
// proxies, and its Traefik configuration passes the same identity
// headers, so that what a user copies is what was tested.
func TestREADMEConfigs(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section, ok := proxytest.READMESection(string(b), "## Protect an app")
	if !ok {
		t.Fatal(`the README has no "Protect an app" section`)
	}
	blocks := proxytest.FencedBlocks(section)
	cfg := proxytest.Config{Host: "app.example.com", Upstream: "127.0.0.1:3000", Gate: "127.0.0.1:8080"}
	for _, tt := range []struct {
		name, want string
	}{
		{"Caddy", proxytest.CaddySiteFor(cfg, cfg.Host)},
		{"nginx", proxytest.NginxServerFor(cfg, "443 ssl")},
	} {
		found := false
		for _, blk := range blocks {
			if blk == tt.want {
				found = true
			}
		}
		if !found {
			t.Errorf("the README's %s block is not the tested one; want:\n%s", tt.name, tt.want)
		}
	}
	var traefik string
	for _, blk := range blocks {
		if strings.Contains(blk, "forwardAuth:") {
			traefik = blk
		}
	}
	for _, want := range append([]string{"address: \"http://127.0.0.1:8080/auth/forward\"", "trustForwardHeader: true",
		"authResponseHeaders:"}, proxytest.RemoteHeaders...) {
		if !strings.Contains(traefik, want) {
			t.Errorf("the README's Traefik configuration lacks %q:\n%s", want, traefik)
		}
	}
}
