package handlers

import (
	"context"
	"net/http"

	"github.com/phonegate/phonegate/store"
)

// SendCodeFromForTest sends a code as the pages do for a client at addr.
func (s *Server) SendCodeFromForTest(ctx context.Context, ch store.Challenge, channel, addr string) (store.Delivery, error) {
	return s.sendCodeFrom(ctx, ch, channel, addr, false)
}

// SendAddrForTest is sendAddr.
func (s *Server) SendAddrForTest(r *http.Request) string { return s.sendAddr(r) }
