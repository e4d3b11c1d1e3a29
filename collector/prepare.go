package collector

import (
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
		return prepare(t.Name, s, logger), nil
	}
}

// prepare translates a document into its series. The builder makes the
// checks a registry would repeat on every scrape (label count, duplicates)
// once here; labels are valid by construction (see label).
func prepare(page string, s *statuspage.Summary, logger *slog.Logger) *Prepared {
	// About the series a document makes: a state set and a timestamp per
	// component, a dozen per incident or maintenance.
	e := newEmitter(newBuilder(page, 6*len(s.Components)+14*(len(s.Incidents)+len(s.ScheduledMaintenances))+8))
	e.summary(s)
	e.logErrors(logger)
	return &Prepared{series: e.b.finish()}
}
