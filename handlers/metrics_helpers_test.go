package handlers_test

import (
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/phonegate/phonegate/handlers"
	"github.com/phonegate/phonegate/metrics"
)

// Helpers of the metrics tests.

// withMetrics makes the server count its figures in m.
func withMetrics(m *metrics.Metrics) harnessOption {
	return func(c *handlers.Config) { c.Metrics = m }
}

// scrape returns what Prometheus would read from m, in the text format.
func scrape(t testing.TB, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: got %d, want 200", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// figure sums the samples of name in a scrape whose labels, in the
// format's sorted order, start with labels ("" for all); 0 when none.
func figure(t testing.TB, text, name, labels string) float64 {
	t.Helper()
	prefix := name + "{" + labels
	if labels == "" {
		prefix = name
	}
	var sum float64
	for line := range strings.Lines(text) {
		sample, value, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || !strings.HasPrefix(sample, prefix) || (labels == "" && sample != name && !strings.HasPrefix(sample, name+"{")) {
			continue
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		sum += v
	}
	return sum
}
