package web

import (
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// Codes are sent by the service (phonegate.Service.SendCode); what stays
// here is what a send needs of HTTP and of the server's wiring.

// sendAddr is the client address that the per-address send cap counts
// (phonegate.MaxAddressSends): the client's address bucket (httpx.AddrBucket).
func (s *Server) sendAddr(r *http.Request) string { return httpx.AddrBucket(s.clientAddr(r)) }

// clientAddr is the address of the client that sent r, behind the trusted
// proxies (httpx.Proxies).
func (s *Server) clientAddr(r *http.Request) string { return s.cfg.TrustedProxies.ClientAddr(r) }

// retryTime says when a refused action may be tried again, in UTC
// (phonegate.RetryWords).
func (s *Server) retryTime(at time.Time) string { return phonegate.RetryWords(at, s.now()) }

// seconds says a wait in whole seconds, rounded up (phonegate.WaitWords).
func seconds(d time.Duration) string { return phonegate.WaitWords(d) }
