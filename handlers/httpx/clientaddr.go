package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the peers whose X-Forwarded-For names the client.
type Proxies []netip.Prefix

// DefaultTrustedProxies are the proxies whose X-Forwarded-For is believed
// when none are configured: the loopback ranges, where a reverse proxy on
// the same machine connects from.
var DefaultTrustedProxies = Proxies{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
}

// ClientAddr returns the address of the client that sent r, for rate
// limits and logs: the peer's address, or, when the peer is a trusted
// proxy, the last hop of X-Forwarded-For that is not itself a trusted
// proxy. A header from an untrusted peer is ignored, so that nobody can
// pick the address their failures are counted against.
func (p Proxies) ClientAddr(r *http.Request) string {
	peer := AddrOf(r.RemoteAddr)
	if !peer.IsValid() {
		return r.RemoteAddr
	}
	if !p.trusted(peer) {
		return peer.String()
	}
	hops := r.Header.Values("X-Forwarded-For")
	// Walk from the nearest hop back: each one a trusted proxy added says
	// who connected to it.
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a := AddrOf(strings.TrimSpace(parts[j]))
			if !a.IsValid() {
				// A hop that is not an address cannot be believed, nor
				// anything a client wrote before it.
				return peer.String()
			}
			if !p.trusted(a) {
				return a.String()
			}
			peer = a
		}
	}
	return peer.String()
}

func (p Proxies) trusted(a netip.Addr) bool {
	for _, pr := range p {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// AddrOf parses "host:port", "[v6]:port" or a bare address, unmapping
// IPv4-in-IPv6 so that one client has one spelling.
func AddrOf(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// AddrBucket is what a per-address count counts for a client address:
// the address itself, or an IPv6 address's /64, since one subscriber
// usually holds a whole /64 and could otherwise step past a limit one
// address at a time.
func AddrBucket(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.Unmap()
	if a.Is6() {
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// Contains reports whether a is the address of a trusted proxy.
func (p Proxies) Contains(a netip.Addr) bool { return p.trusted(a) }
