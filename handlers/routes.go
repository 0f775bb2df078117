package handlers

import (
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/julienschmidt/httprouter"
	"github.com/rs/zerolog"

	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/metrics"
)

// newRouter registers every room's route table, the one place routes are
// registered. A GET route answers HEAD too, without the body. With m, each
// route's requests are counted under its path pattern (instrument).
func newRouter(routes []httpx.Route, notFound http.Handler, m *metrics.Metrics) *httprouter.Router {
	r := httprouter.New()
	r.RedirectTrailingSlash = true
	r.HandleMethodNotAllowed = true
	r.PanicHandler = nil // logRecover handles panics for every route
	for _, rt := range routes {
		r.Handler(rt.Method, rt.Path, instrument(m, rt.Method, rt.Path, rt.Handler))
		if rt.Method == http.MethodGet {
			r.Handler(http.MethodHead, rt.Path, instrument(m, http.MethodHead, rt.Path, rt.Handler))
		}
	}
	r.NotFound = instrument(m, "any", "unmatched", notFound)
	r.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
	})
	return r
}

// trimURL is a public URL without its trailing slash.
func trimURL(u string) string { return strings.TrimRight(u, "/") }

// logRecover logs each request (method, path without query, status,
// duration) and turns a panic into a 500 so that none reaches a user raw.
// The query is left out because invite links carry tokens.
func (s *Server) logRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &httpx.StatusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error().Str("path", httpx.LogPath(r.URL.Path)).Interface("panic", v).Bytes("stack", debug.Stack()).Msg("panic")
				if sw.Status == 0 {
					httpx.Internal(sw)
				}
			}
			lvl := zerolog.DebugLevel
			// A refusal that says when to come back (a full hash queue)
			// is no fault, and under a flood a warning each would fill
			// the log.
			if sw.Status >= 500 && sw.Header().Get("Retry-After") == "" {
				lvl = zerolog.WarnLevel
			}
			s.log.WithLevel(lvl).Str("method", r.Method).Str("path", httpx.LogPath(r.URL.Path)).Int("status", sw.Status).
				Dur("took", time.Since(start)).Msg("request")
		}()
		next.ServeHTTP(sw, r)
	})
}
