package metrics

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Route holds the figures of one route: its labels are fixed when the
// router is built, so that a request costs a lookup in a short list of
// the statuses seen and two increments, without allocation.
type Route struct {
	requests *prometheus.CounterVec
	latency  prometheus.ObserverVec
	seen     atomic.Pointer[[]statusFigures] // copied on write
	mu       sync.Mutex                      // serializes writers of seen
}

// statusFigures are a route's figures for one status.
type statusFigures struct {
	code     int
	requests prometheus.Counter
	latency  prometheus.Observer
}

// Route returns the figures of the route registered for method at the
// path pattern (not a request's path: the labels stay bounded).
func (m *Metrics) Route(method, pattern string) *Route {
	l := prometheus.Labels{"route": pattern, "method": method}
	return &Route{requests: m.requests.MustCurryWith(l), latency: m.latency.MustCurryWith(l)}
}

// Observe counts a request answered with status code after took. A code
// of 0 (nothing written) is counted as 200.
func (r *Route) Observe(code int, took time.Duration) {
	if code == 0 {
		code = 200
	}
	f := r.figures(code)
	f.requests.Inc()
	f.latency.Observe(took.Seconds())
}

// figures returns the figures of code, made at its first request.
func (r *Route) figures(code int) *statusFigures {
	if f := find(r.seen.Load(), code); f != nil {
		return f
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.seen.Load()
	if f := find(old, code); f != nil {
		return f
	}
	label := strconv.Itoa(code)
	if code < 100 || code > 599 {
		label = "other"
	}
	var next []statusFigures
	if old != nil {
		next = append(next, *old...)
	}
	next = append(next, statusFigures{code: code, requests: r.requests.WithLabelValues(label),
		latency: r.latency.WithLabelValues(label)})
	r.seen.Store(&next)
	return &next[len(next)-1]
}

// find returns the figures of code in seen, or nil.
func find(seen *[]statusFigures, code int) *statusFigures {
	if seen == nil {
		return nil
	}
	for i := range *seen {
		if (*seen)[i].code == code {
			return &(*seen)[i]
		}
	}
	return nil
}
