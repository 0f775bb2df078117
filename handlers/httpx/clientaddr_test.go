package httpx

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{name: "direct client", trusted: proxies, remote: "203.0.113.7:5000", want: "203.0.113.7"},
		{name: "header from an untrusted peer is ignored", trusted: proxies, remote: "203.0.113.7:5000",
			xff: []string{"198.51.100.1"}, want: "203.0.113.7"},
		{name: "trusted proxy names the client", trusted: proxies, remote: "127.0.0.1:5000",
			xff: []string{"198.51.100.1"}, want: "198.51.100.1"},
		{name: "a client-written hop before the last untrusted one is ignored", trusted: proxies, remote: "127.0.0.1:5000",
			xff: []string{"1.2.3.4, 198.51.100.1"}, want: "198.51.100.1"},
		{name: "chained trusted proxies are skipped", trusted: proxies, remote: "127.0.0.1:5000",
			xff: []string{"198.51.100.1, 10.1.2.3"}, want: "198.51.100.1"},
		{name: "several header lines", trusted: proxies, remote: "127.0.0.1:5000",
			xff: []string{"1.2.3.4", "198.51.100.1, 10.1.2.3"}, want: "198.51.100.1"},
		{name: "garbage hop stops the walk at the proxy", trusted: proxies, remote: "127.0.0.1:5000",
			xff: []string{"not-an-ip"}, want: "127.0.0.1"},
		{name: "only trusted hops: the farthest one", trusted: proxies, remote: "127.0.0.1:5000",
			xff: []string{"10.9.9.9"}, want: "10.9.9.9"},
		{name: "no trusted proxies", trusted: []netip.Prefix{}, remote: "127.0.0.1:5000",
			xff: []string{"198.51.100.1"}, want: "127.0.0.1"},
		{name: "IPv4-mapped IPv6 peer", trusted: proxies, remote: "[::ffff:203.0.113.7]:5000", want: "203.0.113.7"},
		{name: "IPv6 hop with port", trusted: []netip.Prefix{netip.MustParsePrefix("::1/128")}, remote: "[::1]:5000",
			xff: []string{"[2001:db8::1]:443"}, want: "2001:db8::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Proxies(tt.trusted)
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := p.ClientAddr(r); got != tt.want {
				t.Errorf("ClientAddr = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAddrBucket(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"2001:db8:1:2::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"not an address", "not an address"},
	} {
		if got := AddrBucket(tt.in); got != tt.want {
			t.Errorf("AddrBucket(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
