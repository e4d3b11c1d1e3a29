package collector

import (
	"fmt"
	"log/slog"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// Prepared is a page's data series, translated and checked once per fetched
// document; a scrape only hands them over. It is never modified.
type Prepared struct {
	series []series
}

// Len returns the number of series.
func (p *Prepared) Len() int { return len(p.series) }

// Prepare returns the function that prepares each newly fetched document,
// for statuspage.StoreOptions.Prepare.
func Prepare(logger *slog.Logger) func(*statuspage.Target, *statuspage.Summary) (*Prepared, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return func(t *statuspage.Target, s *statuspage.Summary) (*Prepared, error) {
		return prepare(t.Name, s, t.SeriesLimit, logger)
	}
}

// prepare translates a document into its series, at most limit of them
// (no limit when zero): a document that makes more is refused whole with
// an error wrapping statuspage.ErrTooManySeries, since part of a page
// would read as components and incidents that are gone. The builder makes
// the checks a registry would repeat on every scrape (label count,
// duplicates) once here; labels are valid by construction (see label).
func prepare(page string, s *statuspage.Summary, limit int, logger *slog.Logger) (*Prepared, error) {
	// About the series a document makes: a state set and a timestamp per
	// component, a dozen per incident or maintenance. The estimate comes
	// from the document, so it never sizes the builder beyond the limit.
	n := 6*len(s.Components) + 14*(len(s.Incidents)+len(s.ScheduledMaintenances)) + 8
	if limit > 0 {
		n = min(n, limit)
	}
	b := newBuilder(page, n)
	b.limit = limit
	e := newEmitter(b)
	e.summary(s)
	if n := e.b.count(); e.b.over > 0 {
		return nil, fmt.Errorf("%w: the document makes %d series, series_limit is %d", statuspage.ErrTooManySeries, n, limit)
	}
	e.logErrors(logger)
	return &Prepared{series: e.b.finish()}, nil
}
