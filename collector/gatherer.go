package collector

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// Prepared is a page's data series, translated, checked and gathered once
// per fetched document, so that a scrape only hands them over.
type Prepared struct {
	families []*dto.MetricFamily
}

// Prepare returns the function that prepares each newly fetched document,
// for statuspage.StoreOptions.Prepare.
func Prepare(logger *slog.Logger) func(*statuspage.Target, *statuspage.Summary) any {
	return func(t *statuspage.Target, s *statuspage.Summary) any {
		return prepare(t.Name, s, logger)
	}
}

// prepare translates a document into families that a scrape hands over as
// they are. The builder makes the checks a registry would repeat on every
// scrape (label count, duplicates) once here; labels are valid by
// construction (see label).
func prepare(page string, s *statuspage.Summary, logger *slog.Logger) *Prepared {
	e := newEmitter(page)
	// About the series a document makes: a state set and a timestamp per
	// component, a dozen per incident or maintenance.
	e.b = newFamilyBuilder(6*len(s.Components) + 14*(len(s.Incidents)+len(s.ScheduledMaintenances)) + 8)
	e.summary(s)
	e.logErrors(logger)
	return &Prepared{families: e.b.build()}
}

// Gatherer exposes the given pages, as Collector does, without a registry:
// each page's data series were prepared once when its document was fetched,
// and a scrape fetches what the cache cannot answer, builds the three health
// series per page and merges the families. Like Collector, it is built per
// scrape and stops waiting for pages when ctx is done.
type Gatherer struct {
	scrape
}

// NewGatherer returns a gatherer for targets, waiting on source at most
// until ctx is done.
func NewGatherer(ctx context.Context, source Source, targets []*statuspage.Target, logger *slog.Logger) *Gatherer {
	return &Gatherer{newScrape(ctx, source, targets, logger)}
}

// Gather gets every page concurrently and returns their families, sorted by
// name. Within a family the series are in the order of the targets. The
// returned families share their metrics with the cache: never modify them.
func (g *Gatherer) Gather() ([]*dto.MetricFamily, error) {
	results := g.results()
	m := newMerger(len(g.targets))
	// The health series change with every scrape; they are built here, in
	// one builder for all pages, and lead the merged families.
	health := newFamilyBuilder(3 * len(g.targets))
	for i, t := range g.targets {
		e := newEmitter(t.Name)
		e.b = health
		e.health(results[i])
		e.logErrors(g.logger)
	}
	for _, mf := range health.build() {
		// Built for this scrape and already holding every page: kept as is.
		m.byName[mf.GetName()] = mf
	}
	for i, t := range g.targets {
		r := results[i]
		p, ok := r.Prepared.(*Prepared)
		switch {
		case ok:
		case r.Summary != nil:
			// A source without StoreOptions.Prepare: translate now.
			p = prepare(t.Name, r.Summary, g.logger)
		default:
			continue
		}
		for _, mf := range p.families {
			m.add(mf)
		}
	}
	return m.families(), nil
}

// merger concatenates the series of same-named families. Pages cannot
// collide: every series carries its page label, and each page's families
// were checked when prepared.
type merger struct {
	byName map[string]*dto.MetricFamily
	pages  int
}

func newMerger(pages int) *merger {
	return &merger{byName: make(map[string]*dto.MetricFamily, 32), pages: pages}
}

func (m *merger) add(mf *dto.MetricFamily) {
	have, ok := m.byName[mf.GetName()]
	if !ok {
		have = &dto.MetricFamily{Name: mf.Name, Help: mf.Help, Type: mf.Type, Unit: mf.Unit,
			Metric: make([]*dto.Metric, 0, len(mf.Metric)*m.pages)}
		m.byName[mf.GetName()] = have
	}
	have.Metric = append(have.Metric, mf.Metric...)
}

func (m *merger) families() []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, 0, len(m.byName))
	for _, mf := range m.byName {
		out = append(out, mf)
	}
	slices.SortFunc(out, func(a, b *dto.MetricFamily) int { return strings.Compare(a.GetName(), b.GetName()) })
	return out
}
