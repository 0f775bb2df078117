package handlers

import (
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
)

// Codes are sent by the service (phonegate.Service.SendCode); what stays
// here is what a send needs of HTTP and of the server's wiring.

// sendAddr is the client address that the per-address send cap counts
// (phonegate.MaxAddressSends): the client's address bucket (addrBucket).
func (s *Server) sendAddr(r *http.Request) string { return addrBucket(s.clientAddr(r)) }

// sender returns what sends codes: the configured Sender, or in dev mode
// without one, the dev phone.
func (s *Server) sender() phonegate.Sender {
	if s.cfg.Sender != nil {
		return s.cfg.Sender
	}
	return devPhone{s: s}
}

// retryTime says when a refused action may be tried again, in UTC
// (phonegate.RetryWords).
func (s *Server) retryTime(at time.Time) string { return phonegate.RetryWords(at, s.now()) }

// seconds says a wait in whole seconds, rounded up (phonegate.WaitWords).
func seconds(d time.Duration) string { return phonegate.WaitWords(d) }
