package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// pageStore caches each page's series, prepared once per fetched document.
type pageStore = statuspage.Store[*collector.Prepared]

// exporter ties the configuration, the cache and the HTTP routes together.
type exporter struct {
	holder  *config.Holder[statuspage.TargetSet]
	store   *pageStore
	adhoc   *adhocTargets // ad-hoc /probe targets that keep cache state
	metrics *collector.ExporterMetrics
	logger  *slog.Logger
	static  *prometheus.Registry
	offset  time.Duration
	landing web.LandingConfig // without the pages' table

	reloadMu sync.Mutex
}

// reload loads the configuration file again; a bad file leaves the running
// configuration in place.
func (e *exporter) reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	old, err := e.holder.Reload()
	if err != nil {
		e.metrics.ConfigLoaded(err, nil, nil, time.Now())
		if e.holder.Active() != nil {
			// At start there is no previous one; the caller says so.
			e.logger.Error("Reloading the configuration failed; keeping the previous one", "err", err)
		}
		return err
	}
	active := e.holder.Active()
	names := active.Names()
	e.store.Retain(names)
	pages := make([]string, len(active.Targets))
	for i, t := range active.Targets {
		pages[i] = t.Name
	}
	var removed []string
	if old != nil {
		for name := range old.Names() {
			if !names[name] {
				removed = append(removed, name)
			}
		}
	}
	e.metrics.ConfigLoaded(nil, pages, removed, time.Now())
	e.logger.Info("Loaded the configuration", "pages", len(active.Targets))
	return nil
}

func (e *exporter) routes(metricsPath string) (http.Handler, error) {
	e.landing = web.LandingConfig{
		Name:        "Statuspage Exporter",
		Description: "Prometheus exporter for Atlassian Statuspage and compatible status pages",
		Version:     version.Info(),
		Profiling:   "false",
		Form: web.LandingForm{
			Action: "probe",
			Inputs: []web.LandingFormInput{{Label: "Page", Type: "text", Name: "target", Placeholder: "configured page name or allowed URL"}},
		},
		Links: []web.LandingLinks{
			{Address: metricsPath, Text: "Metrics", Description: "Every configured page and the exporter's own metrics"},
			{Address: "-/healthy", Text: "Health", Description: "Liveness check"},
		},
	}
	// The landing page is made per request, with the pages' states; this
	// checks its configuration once.
	if _, err := web.NewLandingPage(e.landing); err != nil {
		return nil, err
	}
	// Read-only routes answer GET (and so HEAD); the mux answers other
	// methods with 405 and an Allow header, as it does for /-/reload.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", e.serveLanding)
	mux.Handle("GET "+metricsPath, promhttp.InstrumentMetricHandler(e.static, http.HandlerFunc(e.serveMetrics)))
	mux.HandleFunc("GET /probe", e.serveProbe)
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Healthy")
	})
	mux.HandleFunc("POST /-/reload", func(w http.ResponseWriter, _ *http.Request) {
		if err := e.reload(); err != nil {
			http.Error(w, "failed to reload config: "+err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "Reloaded")
	})
	return mux, nil
}

// serveMetrics serves every configured page plus the exporter's own metrics.
func (e *exporter) serveMetrics(w http.ResponseWriter, r *http.Request) {
	e.serveTargets(w, r, e.holder.Active().Targets, true)
}

// serveTargets exposes targets through a collector bound to the scrape's
// deadline, with the exporter's own metrics when self is set.
func (e *exporter) serveTargets(w http.ResponseWriter, r *http.Request, targets []*statuspage.Target, self bool) {
	ctx, cancel := scrapeContext(r, e.offset)
	defer cancel()
	// The pages first, so the exporter's own counters include this scrape.
	x := collector.Drain(collector.New(ctx, e.store, targets, e.logger))
	var others []*dto.MetricFamily
	if self {
		var err error
		if others, err = e.static.Gather(); err != nil {
			// Gather still returns what it could; serve that, as promhttp's
			// ContinueOnError does.
			e.logger.Error("Gathering the exporter's own metrics failed", "err", err)
		}
	}
	writeExposition(w, r, x, others, e.logger)
}

var gzipWriters = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// writeExposition answers r with x and others in the format r asks for
// (delimited protobuf or text), gzipped when r accepts it.
func writeExposition(w http.ResponseWriter, r *http.Request, x *collector.Exposition, others []*dto.MetricFamily, logger *slog.Logger) {
	format := expfmt.NegotiateAccept(r.Header, collector.Formats...)
	w.Header().Set("Content-Type", string(format))
	var out io.Writer = w
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzipWriters.Get().(*gzip.Writer)
		gz.Reset(w)
		defer func() {
			if err := gz.Close(); err != nil {
				logger.Debug("Writing the metrics failed", "err", err)
			}
			gzipWriters.Put(gz)
		}()
		out = gz
	}
	if err := x.Encode(out, format, others); err != nil {
		// Usually the scraper gave up and closed the connection.
		logger.Debug("Writing the metrics failed", "err", err)
	}
}

// acceptsGzip reports whether an Accept-Encoding value accepts gzip: named,
// and not with a quality of 0.
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		v, ok := strings.CutPrefix(strings.TrimSpace(params), "q=")
		if !ok {
			return true
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return err == nil && q > 0
	}
	return false
}
