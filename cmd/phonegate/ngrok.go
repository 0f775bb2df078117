package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// ngrokDefaultAPIURL is where a local ngrok agent lists its tunnels.
const ngrokDefaultAPIURL = "http://127.0.0.1:4040/api/tunnels"

// ngrokTimeout bounds the question to the agent. It runs at startup on
// loopback, where an agent answers in milliseconds; waiting longer only
// delays startup when none is running.
const ngrokTimeout = time.Second

// Errors from discoverNgrokURL that callers may want to tell apart: no
// agent is usually fine (fall back quietly), an agent without a tunnel to
// our port is usually a mistake worth a warning.
var (
	errNgrokNotRunning = errors.New("no ngrok agent answered")
	errNgrokNoTunnel   = errors.New("no ngrok https tunnel forwards to this server")
)

// ngrokTunnels is the part of the agent's GET /api/tunnels answer we read.
type ngrokTunnels struct {
	Tunnels []struct {
		PublicURL string `json:"public_url"`
		Proto     string `json:"proto"`
		Config    struct {
			Addr string `json:"addr"`
		} `json:"config"`
	} `json:"tunnels"`
}

// discoverNgrokURL asks the ngrok agent at apiURL (ngrokDefaultAPIURL when
// empty) for the public https URL of the tunnel that forwards to port on
// this machine. A nil client means a plain one; either way the question
// gives up after ngrokTimeout. The error wraps errNgrokNotRunning when no
// agent answered and errNgrokNoTunnel when no tunnel fits.
func discoverNgrokURL(ctx context.Context, apiURL string, port string, client *http.Client) (string, error) {
	if apiURL == "" {
		apiURL = ngrokDefaultAPIURL
	}
	if client == nil {
		client = &http.Client{Timeout: ngrokTimeout}
	}
	port = strings.TrimPrefix(port, ":")
	if port == "" {
		return "", errors.New("ngrok: no port to look for")
	}
	ctx, cancel := context.WithTimeout(ctx, ngrokTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL, nil)
	if err != nil {
		return "", fmt.Errorf("ngrok agent URL: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w at %s: %w", errNgrokNotRunning, apiURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("ngrok agent at %s answered %s", apiURL, resp.Status)
	}
	var list ngrokTunnels
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&list); err != nil {
		return "", fmt.Errorf("read ngrok tunnels from %s: %w", apiURL, err)
	}

	var httpOnly []string
	for _, t := range list.Tunnels {
		if !ngrokForwardsTo(t.Config.Addr, port) {
			continue
		}
		if t.Proto == "https" && strings.HasPrefix(t.PublicURL, "https://") {
			return strings.TrimSuffix(t.PublicURL, "/"), nil
		}
		httpOnly = append(httpOnly, t.PublicURL)
	}
	if len(httpOnly) > 0 {
		return "", fmt.Errorf("%w: the tunnels to port %s are not https (%s)", errNgrokNoTunnel, port, strings.Join(httpOnly, ", "))
	}
	return "", fmt.Errorf("%w: none of the %d tunnels forwards to port %s", errNgrokNoTunnel, len(list.Tunnels), port)
}

// ngrokForwardsTo reports whether a tunnel's config.addr points at port on
// this machine. ngrok writes it as "http://localhost:8080", but a user's
// config may say "localhost:8080", "127.0.0.1:8080" or just "8080".
func ngrokForwardsTo(addr, port string) bool {
	var host, p string
	switch {
	case strings.Contains(addr, "://"):
		u, err := url.Parse(addr)
		if err != nil {
			return false
		}
		host, p = u.Hostname(), u.Port()
		if p == "" {
			switch u.Scheme {
			case "http":
				p = "80"
			case "https":
				p = "443"
			}
		}
	case ngrokIsDigits(addr):
		p = addr
	default:
		var err error
		host, p, err = net.SplitHostPort(addr)
		if err != nil {
			host, p = addr, "80" // a bare host name: ngrok assumes port 80
		}
	}
	if p != port {
		return false
	}
	if host == "" || host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && (ip.IsLoopback() || ip.IsUnspecified())
}

func ngrokIsDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ngrokCGNAT is the shared address space of carrier-grade NAT and of
// overlay networks such as Tailscale: private in practice.
var ngrokCGNAT = netip.MustParsePrefix("100.64.0.0/10")

// publicURLWarning explains why Twilio cannot use u as the base of its
// webhooks, or returns "" when nothing is wrong with it. Twilio calls from
// the internet, so a loopback, private or link-local address or a
// local-only name cannot work; a plain http URL reaches Twilio but sends
// webhooks and logins in the clear.
func publicURLWarning(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Host == "" || (parsed.Scheme != "http" && parsed.Scheme != "https") {
		return fmt.Sprintf("PUBLIC_URL %q is not an absolute http or https URL, so Twilio cannot call this server", u)
	}
	var problems []string
	if reason := ngrokLocalHost(parsed.Hostname()); reason != "" {
		problems = append(problems, reason+", which Twilio cannot reach from the internet")
	}
	if parsed.Scheme != "https" {
		problems = append(problems, "it is http, not https, so webhooks and logins would travel unencrypted")
	}
	if len(problems) == 0 {
		return ""
	}
	return fmt.Sprintf("PUBLIC_URL %s will not work with Twilio: %s (run ngrok, or put the server behind a public https address)", u, strings.Join(problems, "; "))
}

// ngrokLocalHost says why host is only reachable locally, or returns "".
func ngrokLocalHost(host string) string {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if ip, err := netip.ParseAddr(h); err == nil {
		ip = ip.Unmap()
		switch {
		case ip.IsLoopback():
			return fmt.Sprintf("%s is a loopback address", host)
		case ip.IsUnspecified():
			return fmt.Sprintf("%s is not a routable address", host)
		case ip.IsPrivate():
			return fmt.Sprintf("%s is a private network address", host)
		case ip.IsLinkLocalUnicast():
			return fmt.Sprintf("%s is a link-local address", host)
		case ngrokCGNAT.Contains(ip):
			return fmt.Sprintf("%s is a carrier-grade NAT (or Tailscale) address", host)
		}
		return ""
	}
	switch {
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return fmt.Sprintf("%s is this machine", host)
	case strings.HasSuffix(h, ".local"):
		return fmt.Sprintf("%s is a local network (mDNS) name", host)
	case strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".lan") || strings.HasSuffix(h, ".home.arpa"):
		return fmt.Sprintf("%s is a local network name", host)
	case !strings.Contains(h, "."):
		return fmt.Sprintf("%s is not a public DNS name", host)
	}
	return ""
}
