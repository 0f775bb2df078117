package handlers

import (
	"context"
	"net/http"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
)

// SendCodeFromForTest sends a code as the pages do for a client at addr.
func (s *Server) SendCodeFromForTest(ctx context.Context, ch phonegate.Challenge, channel, addr string) (phonegate.Delivery, error) {
	return s.svc.SendCode(ctx, ch, channel, addr)
}

// SendAddrForTest is the address bucket the pages count a send against.
func (s *Server) SendAddrForTest(r *http.Request) string {
	return httpx.AddrBucket(s.proxies.ClientAddr(r))
}
