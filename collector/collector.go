// Package collector translates status page data into Prometheus metrics. The
// translation functions are pure: decoded documents in, const metrics out.
// The Collector only asks a Source for each page's data and hands the
// translated metrics over; it performs no HTTP itself.
package collector

import (
	"context"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// Source answers with the current data of a page; *statuspage.Store is one.
type Source interface {
	Get(ctx context.Context, t *statuspage.Target) statuspage.Result
}

// Collector exposes the given pages. It is built per scrape, bound to the
// scrape's context: Collect stops waiting for pages when ctx is done and
// reports the late ones as failed (or stale).
//
// Collector translates every page on every scrape and goes through a
// registry's checks; it is the reference the faster Gatherer is tested
// against, and the way to embed the pages in another registry.
type Collector struct {
	scrape
}

// scrape is what Collector and Gatherer share: the pages of one scrape and
// how long to wait for them.
type scrape struct {
	ctx     context.Context
	source  Source
	targets []*statuspage.Target
	logger  *slog.Logger
}

func newScrape(ctx context.Context, source Source, targets []*statuspage.Target, logger *slog.Logger) scrape {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return scrape{ctx: ctx, source: source, targets: targets, logger: logger}
}

// results gets every page concurrently, in the order of the targets.
func (s scrape) results() []statuspage.Result {
	results := make([]statuspage.Result, len(s.targets))
	var wg sync.WaitGroup
	for i, t := range s.targets {
		wg.Go(func() {
			results[i] = s.source.Get(s.ctx, t)
			if err := results[i].Err; err != nil {
				s.logger.Debug("Page not fresh", "page", t.Name, "outcome", results[i].Outcome, "err", err)
			}
		})
	}
	wg.Wait()
	return results
}

// New returns a collector for targets, waiting on source at most until ctx
// is done.
func New(ctx context.Context, source Source, targets []*statuspage.Target, logger *slog.Logger) *Collector {
	return &Collector{newScrape(ctx, source, targets, logger)}
}

// Describe sends nothing: the series depend on what the pages say, so the
// collector is unchecked.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// Collect gets every page concurrently and sends its metrics.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	for i, r := range c.results() {
		for _, m := range Translate(c.targets[i].Name, r, c.logger) {
			ch <- m
		}
	}
}

// Translate returns the metrics for one page's result: the health series
// always, the data series when the result carries data.
func Translate(page string, r statuspage.Result, logger *slog.Logger) []prometheus.Metric {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	e := newEmitter(page)
	e.health(r)
	if r.Summary != nil {
		e.summary(r.Summary)
	}
	e.logErrors(logger)
	return e.out
}

func (e *emitter) logErrors(logger *slog.Logger) {
	for _, err := range e.errs {
		// Only a bug can get here (labels are sanitised); never fail the scrape for it.
		if logger != nil {
			logger.Error("Dropping invalid metric", "page", e.page, "err", err)
		}
	}
}
