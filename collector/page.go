package collector

import "github.com/statuspage-exporter/statuspage_exporter/statuspage"

// health emits the series every configured page has, whatever happened.
func (e *emitter) health(r statuspage.Result) {
	up := 0.0
	if r.Fresh {
		up = 1
	}
	e.gauge(upDesc, up)
	e.timestamp(lastSuccessDesc, r.LastSuccess)
	if r.Duration > 0 {
		e.gauge(fetchDurationDesc, r.Duration.Seconds())
	}
}

// summary emits the data series of a decoded document.
func (e *emitter) summary(s *statuspage.Summary) {
	p := &s.Page
	e.gauge(pageInfoDesc, 1, label(p.ID), label(p.Name), label(p.URL), label(p.TimeZone))
	e.timestamp(pageUpdatedDesc, p.UpdatedAt.Time)
	e.stateSet(pageStatusDesc, pageIndicators, s.Status.Indicator)
	e.components(s.Components)
	e.incidents(s.Incidents)
	e.maintenances(s.ScheduledMaintenances)
}
