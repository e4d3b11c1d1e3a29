// Package collector translates status page data into Prometheus metrics.
// Each fetched document is translated once, by Prepare, into series that
// the Collector hands over on every scrape that serves the page; the
// Collector only asks a Source for each page's data and performs no HTTP
// itself.
package collector

import (
	"context"
	"log/slog"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// Source answers with the current data of a page; a
// *statuspage.Store[*Prepared] is one.
type Source interface {
	Get(ctx context.Context, t *statuspage.Target) statuspage.Result[*Prepared]
}

// Collector exposes the given pages: the health series of every page, and
// the data series prepared from its document when there is data to serve.
// It is built per scrape, bound to the scrape's context: Collect gets every
// page concurrently and stops waiting when ctx is done, reporting the late
// pages as failed (or stale) while their fetches go on.
//
// /metrics, /probe and one-shot all expose pages through it; it can be
// registered in any prometheus.Registry.
type Collector struct {
	ctx     context.Context
	source  Source
	targets []*statuspage.Target
	logger  *slog.Logger
}

// New returns a collector for targets, waiting on source at most until ctx
// is done.
func New(ctx context.Context, source Source, targets []*statuspage.Target, logger *slog.Logger) *Collector {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Collector{ctx: ctx, source: source, targets: targets, logger: logger}
}

// Describe sends nothing: the series depend on what the pages say, so the
// collector is unchecked.
func (c *Collector) Describe(chan<- *prometheus.Desc) {}

// Collect gets every page concurrently and sends its series: the health
// series, built for this scrape, then the data series, built when the
// document was fetched.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	results := c.results()
	health := newHealth(c.targets, results)
	start := 0
	for i, r := range results {
		for j := start; j < health.ends[i]; j++ {
			ch <- &health.series[j]
		}
		start = health.ends[i]
		if r.HasData && r.Data != nil {
			for j := range r.Data.series {
				ch <- &r.Data.series[j]
			}
		}
	}
}

// results gets every page concurrently, in the order of the targets.
func (c *Collector) results() []statuspage.Result[*Prepared] {
	results := make([]statuspage.Result[*Prepared], len(c.targets))
	var wg sync.WaitGroup
	for i, t := range c.targets {
		wg.Go(func() {
			results[i] = c.source.Get(c.ctx, t)
			if err := results[i].Err; err != nil {
				c.logger.Debug("Page not fresh", "page", t.Name, "outcome", results[i].Outcome, "err", err)
			}
		})
	}
	wg.Wait()
	return results
}

// health holds the series every configured page has, whatever happened:
// statuspage_up, and when known the time of the last success and the
// duration of the last request. They change with every scrape, so they are
// built per scrape, in a few allocations for all pages.
type health struct {
	series []series
	// ends[i] is the end in series of page i's series.
	ends []int
}

func newHealth(targets []*statuspage.Target, results []statuspage.Result[*Prepared]) *health {
	// The page label is the only one: value i is page i's name.
	tab := &table{values: make([]string, len(targets))}
	if len(targets) > 1<<16 {
		tab.wide = make([]uint32, len(targets))
	} else {
		tab.labels = make([]uint16, len(targets))
	}
	h := &health{series: make([]series, 0, 3*len(targets)), ends: make([]int, len(targets))}
	for i, t := range targets {
		r := &results[i]
		tab.values[i] = t.Name
		if tab.wide != nil {
			tab.wide[i] = uint32(i)
		} else {
			tab.labels[i] = uint16(i)
		}
		add := func(f *family, v float64) {
			h.series = append(h.series, series{fam: f, tab: tab, start: uint32(i), pos: uint32(len(h.series)), value: v})
		}
		up := 0.0
		if r.Fresh {
			up = 1
		}
		add(upFamily, up)
		if !r.LastSuccess.IsZero() {
			add(lastSuccessFamily, seconds(r.LastSuccess))
		}
		if r.Duration > 0 {
			add(fetchDurationFamily, r.Duration.Seconds())
		}
		h.ends[i] = len(h.series)
	}
	tab.series = h.series // never appended to again: cap was enough for all
	return h
}
