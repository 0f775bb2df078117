package metrics_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/phonegate/phonegate"
	"github.com/phonegate/phonegate/metrics"
)

// scrape returns the exposition text of m.
func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// The Metrics are the domain's Observer.
var _ phonegate.Observer = (*metrics.Metrics)(nil)

// TestVerifications: the Verify API's counters, whose ratio is the
// conversion rate, count by channel.
func TestVerifications(t *testing.T) {
	m := metrics.New()
	m.VerificationCreated(phonegate.ChannelSMS)
	m.VerificationCreated(phonegate.ChannelSMS)
	m.VerificationCreated(phonegate.ChannelCall)
	m.VerificationApproved(phonegate.ChannelSMS)
	text := scrape(t, m)
	for _, want := range []string{
		`phonegate_verifications_created_total{channel="sms"} 2`,
		`phonegate_verifications_created_total{channel="call"} 1`,
		`phonegate_verifications_approved_total{channel="sms"} 1`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// TestRouteStatuses: a route counts each status apart, nothing written
// as 200, and a status outside the valid range as "other".
func TestRouteStatuses(t *testing.T) {
	m := metrics.New()
	r := m.Route("GET", "/x/:id")
	for _, code := range []int{200, 0, 404, 200, 1000} {
		r.Observe(code, time.Millisecond)
	}
	text := scrape(t, m)
	tests := []struct{ status, want string }{{"200", "3"}, {"404", "1"}, {"other", "1"}}
	for _, tt := range tests {
		line := `phonegate_http_requests_total{method="GET",route="/x/:id",status="` + tt.status + `"} ` + tt.want + "\n"
		if !strings.Contains(text, line) {
			t.Errorf("scrape lacks %q", line)
		}
	}
}

// TestWatchStoreOnce: a store without pools adds nothing; watching a
// second store with pools fails rather than panics.
func TestWatchStoreOnce(t *testing.T) {
	m := metrics.New()
	if err := m.WatchStore(struct{}{}); err != nil {
		t.Fatalf("a store without pools: %v", err)
	}
	if err := m.WatchStore(pools{}); err != nil {
		t.Fatalf("first store: %v", err)
	}
	if err := m.WatchStore(pools{}); err == nil {
		t.Error("second store: got nil, want an error")
	}
	if !strings.Contains(scrape(t, m), `phonegate_store_connections{pool="main",state="in_use"} 2`) {
		t.Error("the pool's figures are not in the scrape")
	}
}

// BenchmarkRouteObserve is the cost a request adds to its route.
func BenchmarkRouteObserve(b *testing.B) {
	r := metrics.New().Route("GET", "/auth/forward")
	b.ReportAllocs()
	for b.Loop() {
		r.Observe(200, time.Millisecond)
	}
}

// pools is a store that reports one pool.
type pools struct{}

func (pools) PoolStats() []phonegate.PoolStats {
	return []phonegate.PoolStats{{Pool: "main", MaxOpen: 4, Open: 3, InUse: 2, Idle: 1}}
}
