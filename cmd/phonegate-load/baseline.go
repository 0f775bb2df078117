package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"
)

// baselineTwiML is the fixed document the baseline answers with: the
// shape and size of phonegate's answer to /twilio/voice.
const baselineTwiML = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="Polly.Joanna" language="en-US">Hello. This is a call with your phonegate verification code for Load Test.</Say>
  <Gather input="dtmf" numDigits="1" timeout="10" action="http://127.0.0.1:8080/twilio/voice/gather?d=dxxxxxxxxxxxxxxxxxxxxxxxxxx" method="POST" actionOnEmptyResult="true">
    <Say voice="Polly.Joanna" language="en-US">Press any key to hear your code.</Say>
  </Gather>
  <Say voice="Polly.Joanna" language="en-US">No key was pressed. Goodbye.</Say>
  <Hangup></Hangup>
</Response>
`

// serveBaseline is the baseline server: a bare net/http handler that
// answers every request with the fixed document. It parses nothing, checks
// nothing and touches no disk: what phonegate costs on top of net/http is
// what the ratios show. It runs as a child process of the load tool, as
// phonegate does, so that both compete for the same cores in the same way,
// and with the same server timeouts as phonegate's.
func serveBaseline(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	doc := []byte(baselineTwiML)
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml")
			w.Write(doc)
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("baseline: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}
