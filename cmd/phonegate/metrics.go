package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate/handlers"
)

// devMetricsAddr is where dev mode serves the metrics when
// PHONEGATE_METRICS_ADDR is unset: a free loopback port, chosen when the
// server starts and logged, so that two dev servers never clash.
const devMetricsAddr = "127.0.0.1:0"

// metricsOff turns the metrics listener off in dev mode.
const metricsOff = "off"

// parseMetricsAddr reads PHONEGATE_METRICS_ADDR: host:port of the
// metrics' own listener, "" for none (the default outside dev mode), or
// "off". In dev mode it defaults to devMetricsAddr and must be loopback,
// like the server itself; it may not be the server's own address.
func parseMetricsAddr(v string, devMode bool, addr string) (string, error) {
	switch {
	case v == metricsOff:
		return "", nil
	case v == "" && devMode:
		return devMetricsAddr, nil
	case v == "":
		return "", nil
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", usagef("PHONEGATE_METRICS_ADDR must be host:port (or %q), got %q", metricsOff, v)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", usagef("PHONEGATE_METRICS_ADDR has a bad port: %q", v)
	}
	if devMode && !isLoopback(host) {
		return "", usagef("dev mode listens on loopback only: PHONEGATE_METRICS_ADDR %q is not a loopback address", v)
	}
	if port != "0" && v == addr {
		return "", usagef("PHONEGATE_METRICS_ADDR %q is PHONEGATE_ADDR too: the metrics need a listener of their own", v)
	}
	return v, nil
}

// serveMetrics serves srv's metrics at /metrics on cfg.MetricsAddr, apart
// from the public router, and logs where; it returns the function that
// stops it. Without an address it serves nothing.
func serveMetrics(cfg config, srv *handlers.Server, log zerolog.Logger) (stop func(), err error) {
	m := srv.Metrics()
	if cfg.MetricsAddr == "" || m == nil {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s (PHONEGATE_METRICS_ADDR): %w", cfg.MetricsAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	log.Info().Str("metrics_addr", ln.Addr().String()).Str("url", "http://"+ln.Addr().String()+"/metrics").
		Msg("metrics listening")
	go func() {
		if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
			log.Error().Err(err).Msg("metrics listener stopped")
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}, nil
}
