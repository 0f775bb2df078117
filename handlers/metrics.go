package handlers

import (
	"net/http"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/handlers/httpx"
	"github.com/phonegate/phonegate/metrics"
)

// Metrics returns the figures the server counts, for the command line to
// serve on their own listener; nil when it counts none.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// observer is the service's Observer: m, or none.
func observer(m *metrics.Metrics) phonegate.Observer {
	if m == nil {
		return nil
	}
	return m
}

// watchStore shows the store's pools in m, if any.
func watchStore(m *metrics.Metrics, store phonegate.Store) error {
	if m == nil {
		return nil
	}
	return m.WatchStore(store)
}

// signatureFailed is the webhooks' count of signature refusals: m's, or
// none.
func signatureFailed(m *metrics.Metrics) func(route string) {
	if m == nil {
		return nil
	}
	return m.SignatureFailed
}

// instrument counts the requests h answers for method at the path pattern
// under that pattern, with their status and time; without m it is h. The
// status is read from the access log's StatusWriter, which wraps every
// answer (logRecover); a panic counts as 500, as logRecover answers it.
func instrument(m *metrics.Metrics, method, pattern string, h http.Handler) http.Handler {
	if m == nil {
		return h
	}
	rm := m.Route(method, pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		done := false
		defer func() {
			if !done {
				rm.Observe(http.StatusInternalServerError, time.Since(start))
			}
		}()
		h.ServeHTTP(w, r)
		done = true
		status := http.StatusOK
		if sw, ok := w.(*httpx.StatusWriter); ok && sw.Status != 0 {
			status = sw.Status
		}
		rm.Observe(status, time.Since(start))
	})
}
