package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/statuspage-exporter/statuspage_exporter/collector"
	"github.com/statuspage-exporter/statuspage_exporter/config"
	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// exporter ties the configuration, the cache and the HTTP routes together.
type exporter struct {
	holder  *config.Holder[statuspage.TargetSet]
	store   *statuspage.Store
	adhoc   *adhocTargets // ad-hoc /probe targets that keep cache state
	metrics *collector.ExporterMetrics
	logger  *slog.Logger
	static  *prometheus.Registry
	offset  time.Duration
	// promOpts are the same for every scrape; only the gatherers change.
	promOpts promhttp.HandlerOpts

	reloadMu sync.Mutex
}

// reload loads the configuration file again; a bad file leaves the running
// configuration in place.
func (e *exporter) reload() error {
	e.reloadMu.Lock()
	defer e.reloadMu.Unlock()
	old, err := e.holder.Reload()
	if err != nil {
		e.metrics.ConfigLoaded(err, 0, nil, time.Now())
		e.logger.Error("Reloading the configuration failed; keeping the previous one", "err", err)
		return err
	}
	active := e.holder.Active()
	names := active.Names()
	e.store.Retain(names)
	var removed []string
	if old != nil {
		for name := range old.Names() {
			if !names[name] {
				removed = append(removed, name)
			}
		}
	}
	e.metrics.ConfigLoaded(nil, len(active.Targets), removed, time.Now())
	e.logger.Info("Loaded the configuration", "pages", len(active.Targets))
	return nil
}

func (e *exporter) routes(metricsPath string) (http.Handler, error) {
	e.promOpts = promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(e.logger.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
	}
	landing, err := web.NewLandingPage(web.LandingConfig{
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
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", landing)
	mux.Handle(metricsPath, promhttp.InstrumentMetricHandler(e.static, http.HandlerFunc(e.serveMetrics)))
	mux.HandleFunc("/probe", e.serveProbe)
	mux.HandleFunc("/-/healthy", func(w http.ResponseWriter, _ *http.Request) {
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
	e.serveTargets(w, r, e.holder.Active().Targets, concatGatherers{e.static})
}

// serveTargets gathers targets through a registry of this request only,
// bound to the scrape's deadline, together with extra.
func (e *exporter) serveTargets(w http.ResponseWriter, r *http.Request, targets []*statuspage.Target, extra concatGatherers) {
	ctx, cancel := scrapeContext(r, e.offset)
	defer cancel()
	// The pages first, so the exporter's own counters include this scrape.
	g := append(concatGatherers{e.pagesGatherer(ctx, targets)}, extra...)
	promhttp.HandlerFor(g, e.promOpts).ServeHTTP(w, r)
}

// pagesGatherer gathers targets, waiting for their data at most until ctx is
// done. Each call answers one scrape.
func (e *exporter) pagesGatherer(ctx context.Context, targets []*statuspage.Target) prometheus.Gatherer {
	return collector.NewGatherer(ctx, e.store, targets, e.logger)
}

// concatGatherers gathers each of its gatherers in turn and concatenates
// their families. Unlike prometheus.Gatherers it does not check every
// series again on every scrape: the pages' series were checked when their
// documents were prepared, and the exporter's own registry checks its own.
// The two never share a metric name (statuspage_exporter_*, go_* and
// process_* are not page metrics).
type concatGatherers []prometheus.Gatherer

func (gs concatGatherers) Gather() ([]*dto.MetricFamily, error) {
	var (
		out  []*dto.MetricFamily
		errs prometheus.MultiError
	)
	for _, g := range gs {
		mfs, err := g.Gather()
		errs.Append(err)
		out = append(out, mfs...)
	}
	slices.SortStableFunc(out, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out, errs.MaybeUnwrap()
}
