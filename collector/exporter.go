package collector

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// ExporterMetrics are the exporter's own metrics, served on /metrics only.
// It implements statuspage.Observer.
type ExporterMetrics struct {
	requests       *prometheus.CounterVec
	duration       prometheus.Histogram
	cache          *prometheus.CounterVec
	refused        *prometheus.CounterVec
	pages          prometheus.Gauge
	reloadOK       prometheus.Gauge
	reloadOKTime   prometheus.Gauge
	reloadAttempts *prometheus.CounterVec
}

// NewExporterMetrics creates the exporter's metrics and registers them with reg.
func NewExporterMetrics(reg prometheus.Registerer) *ExporterMetrics {
	m := &ExporterMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statuspage_exporter_upstream_requests_total",
			Help: "Upstream requests by page and HTTP status code (code 0: no response).",
		}, []string{"page", "code"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "statuspage_exporter_upstream_request_duration_seconds",
			Help:    "Duration of upstream requests, including failed ones.",
			Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
		}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statuspage_exporter_cache_lookups_total",
			Help: "Page lookups by scrapes, by how the cache answered (hit, miss, shared, stale, error).",
		}, []string{"outcome"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statuspage_exporter_documents_refused_total",
			Help: "Fetched documents refused for exceeding a limit, by page and limit (series_limit, max_body_size); each is a failed fetch.",
		}, []string{"page", "reason"}),
		pages: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "statuspage_exporter_pages",
			Help: "Number of configured status pages.",
		}),
		reloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "statuspage_exporter_config_last_reload_successful",
			Help: "1 if the last configuration load succeeded, else 0.",
		}),
		reloadOKTime: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "statuspage_exporter_config_last_reload_success_timestamp_seconds",
			Help: "Unix time of the last successful configuration load.",
		}),
		reloadAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statuspage_exporter_config_reloads_total",
			Help: "Configuration loads by result (success, failure).",
		}, []string{"result"}),
	}
	for _, o := range statuspage.Outcomes {
		m.cache.WithLabelValues(string(o))
	}
	m.reloadAttempts.WithLabelValues("success")
	m.reloadAttempts.WithLabelValues("failure")
	reg.MustRegister(m.requests, m.duration, m.cache, m.refused, m.pages, m.reloadOK, m.reloadOKTime, m.reloadAttempts)
	return m
}

// UpstreamRequest implements statuspage.Observer.
func (m *ExporterMetrics) UpstreamRequest(page string, code int, d time.Duration) {
	m.requests.WithLabelValues(page, strconv.Itoa(code)).Inc()
	m.duration.Observe(d.Seconds())
}

// CacheResult implements statuspage.Observer.
func (m *ExporterMetrics) CacheResult(_ string, o statuspage.Outcome) {
	m.cache.WithLabelValues(string(o)).Inc()
}

// DocumentRefused implements statuspage.Observer.
func (m *ExporterMetrics) DocumentRefused(page string, limit statuspage.Limit) {
	m.refused.WithLabelValues(page, string(limit)).Inc()
}

// ConfigLoaded records a configuration load. On success, pages names the
// new page set, whose refusal counters start at zero so that the first
// refusal is an increase, and removed the pages that are gone, whose
// series are dropped.
func (m *ExporterMetrics) ConfigLoaded(err error, pages, removed []string, now time.Time) {
	if err != nil {
		m.reloadOK.Set(0)
		m.reloadAttempts.WithLabelValues("failure").Inc()
		return
	}
	m.reloadOK.Set(1)
	m.reloadOKTime.Set(float64(now.UnixNano()) / 1e9)
	m.reloadAttempts.WithLabelValues("success").Inc()
	m.pages.Set(float64(len(pages)))
	for _, name := range pages {
		for _, l := range statuspage.Limits {
			m.refused.WithLabelValues(name, string(l))
		}
	}
	for _, name := range removed {
		m.requests.DeletePartialMatch(prometheus.Labels{"page": name})
		m.refused.DeletePartialMatch(prometheus.Labels{"page": name})
	}
}
