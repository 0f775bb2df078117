package web

import (
	"net"
	"net/http"
	"strings"

	"github.com/phonegate/phonegate/handlers/httpx"
)

// DevGuard wraps every page of dev mode's stand-ins, the dev phone (which
// lists every code sent) and the dev mailbox (invite links): one place
// decides who may open what they show. It answers only when
//
//   - the server is in dev mode with a loopback public URL (DevTools),
//   - the request's Host is a loopback name or address (localhost,
//     127.0.0.0/8 or [::1], any port) and it came from a loopback peer,
//     with no proxy's forwarding header (a tunnel such as ngrok may rewrite
//     Host to localhost, but it says whom it forwards for), and
//   - the browser has a session: one that passed the password counts, even
//     while it is still at the code step, because the dev phone is where a
//     developer reads that very code.
//
// A request that fails the first two gets the same 404 as a path that does
// not exist, so that nothing hints at the tool. One on loopback without a
// session is sent to the login page, as every page that needs one is.
func (s *Server) DevGuard(h httpx.HandlerFunc) http.Handler {
	allowed := s.browser(s.requireSession(h))
	hidden := s.browser(func(http.ResponseWriter, *http.Request) error { return httpx.ErrNotFound })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.DevTools() || !devLocalRequest(r) {
			hidden.ServeHTTP(w, r)
			return
		}
		allowed.ServeHTTP(w, r)
	})
}

// DevTools reports whether the dev mode tools (the dev phone, the dev
// mailbox) answer at
// all: only in dev mode, and only while the public URL is a loopback one.
// With a tunnel or any other public URL they are off, because whoever
// reaches that URL is not the developer at this machine.
func (s *Server) DevTools() bool {
	return s.cfg.DevMode && loopbackHost(s.public.Host)
}

// devLocalRequest reports whether r was made on this machine, to a
// loopback name, without passing through a proxy.
func devLocalRequest(r *http.Request) bool {
	if !loopbackHost(r.Host) {
		return false
	}
	if peer := httpx.AddrOf(r.RemoteAddr); !peer.IsValid() || !peer.IsLoopback() {
		return false
	}
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip"} {
		if _, ok := r.Header[h]; ok {
			return false
		}
	}
	return true
}

// loopbackHost reports whether a Host ("name", "name:port", "[v6]:port")
// names this machine's loopback interface: localhost, 127.0.0.0/8 or ::1.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a := httpx.AddrOf(host)
	return a.IsValid() && a.IsLoopback()
}
