// Package metrics counts what phonegate does for Prometheus, through
// client_golang's registry and its standard exposition format: requests
// by route and status, webhook signature failures, codes sent, delivery
// statuses, lockouts, verifications and the store's connection pools. A
// Metrics is the domain's phonegate.Observer; its Handler serves the
// scrape, on a listener of its own, never on the public router.
package metrics

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/phonegate/phonegate"
)

// Metrics holds phonegate's figures in a registry of its own. Its methods
// are safe for concurrent use.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	signatures *prometheus.CounterVec
	codes      *prometheus.CounterVec
	statuses   *prometheus.CounterVec
	lockouts   prometheus.Counter
	created    *prometheus.CounterVec
	approved   *prometheus.CounterVec
}

// latencyBuckets reach below the default's 5 ms: the forward-auth check
// and the webhooks answer in well under a millisecond.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// New returns the figures, with the Go runtime's and the process's.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "phonegate_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "phonegate_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern, method and status.",
			Buckets: latencyBuckets}, []string{"route", "method", "status"}),
		signatures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "phonegate_webhook_signature_failures_total",
			Help: "Twilio webhooks refused for a missing or bad X-Twilio-Signature, by route."}, []string{"route"}),
		codes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "phonegate_codes_sent_total",
			Help: "Sends of a code, by channel and outcome (sent, limited, refused, failed)."}, []string{"channel", "outcome"}),
		statuses: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "phonegate_delivery_statuses_total",
			Help: "Delivery statuses stored from Twilio's callbacks, by channel, status and error code " +
				"(a known code, none or other)."}, []string{"channel", "status", "error_code"}),
		lockouts: prometheus.NewCounter(prometheus.CounterOpts{Name: "phonegate_lockouts_total",
			Help: "Second factors locked by repeated failures."}),
		created: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "phonegate_verifications_created_total",
			Help: "Verifications started through the Verify API, by channel."}, []string{"channel"}),
		approved: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "phonegate_verifications_approved_total",
			Help: "Verifications approved through the Verify API, by channel."}, []string{"channel"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.signatures, m.codes, m.statuses, m.lockouts, m.created, m.approved,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the scrape in Prometheus's exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// WatchStore adds the connection pools of store to the figures, when it
// reports them (phonegate.PoolReporter); a store that does not adds
// nothing. It fails if the figures watch a store already.
func (m *Metrics) WatchStore(store any) error {
	pr, ok := store.(phonegate.PoolReporter)
	if !ok {
		return nil
	}
	if err := m.reg.Register(poolCollector{pr}); err != nil {
		return fmt.Errorf("metrics: watch the store: %w", err)
	}
	return nil
}

// SignatureFailed counts a webhook of route refused for its signature.
func (m *Metrics) SignatureFailed(route string) { m.signatures.WithLabelValues(route).Inc() }

// CodeSent counts the outcome of a send (phonegate.Observer).
func (m *Metrics) CodeSent(channel, outcome string) { m.codes.WithLabelValues(channel, outcome).Inc() }

// DeliveryStatus counts a stored delivery status, its error code bounded
// by phonegate.ErrorCodeLabel (phonegate.Observer).
func (m *Metrics) DeliveryStatus(channel, status string, errorCode int) {
	m.statuses.WithLabelValues(channel, status, phonegate.ErrorCodeLabel(errorCode)).Inc()
}

// Locked counts a lockout (phonegate.Observer).
func (m *Metrics) Locked() { m.lockouts.Inc() }

// VerificationCreated counts a verification started (phonegate.Observer).
func (m *Metrics) VerificationCreated(channel string) { m.created.WithLabelValues(channel).Inc() }

// VerificationApproved counts a verification approved (phonegate.Observer).
func (m *Metrics) VerificationApproved(channel string) { m.approved.WithLabelValues(channel).Inc() }
