package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/phonegate/phonegate"
)

// The store's pool figures, read at each scrape.
var (
	poolConns = prometheus.NewDesc("phonegate_store_connections",
		"Connections of a store pool now, by state (in_use, idle).", []string{"pool", "state"}, nil)
	poolMax = prometheus.NewDesc("phonegate_store_max_connections",
		"The most connections a store pool may open; 0 for no limit.", []string{"pool"}, nil)
	poolWaits = prometheus.NewDesc("phonegate_store_waits_total",
		"Times a caller waited for a connection of a store pool.", []string{"pool"}, nil)
	poolWaited = prometheus.NewDesc("phonegate_store_wait_seconds_total",
		"Time callers waited for connections of a store pool.", []string{"pool"}, nil)
)

// poolCollector reads a store's pool figures when Prometheus scrapes.
type poolCollector struct{ store phonegate.PoolReporter }

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- poolConns
	ch <- poolMax
	ch <- poolWaits
	ch <- poolWaited
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.store.PoolStats() {
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(p.InUse), p.Pool, "in_use")
		ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(p.Idle), p.Pool, "idle")
		ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(p.MaxOpen), p.Pool)
		ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(p.WaitCount), p.Pool)
		ch <- prometheus.MustNewConstMetric(poolWaited, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Pool)
	}
}
