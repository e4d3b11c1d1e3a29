package collector

import "github.com/statuspage-exporter/statuspage_exporter/statuspage"

// summary emits the data series of a decoded document.
func (e *emitter) summary(s *statuspage.Summary) {
	p := &s.Page
	e.gauge(pageInfoFamily, 1, idLabel(p.ID), label(p.Name), label(p.URL), label(p.TimeZone))
	e.timestamp(pageUpdatedFamily, p.UpdatedAt.Time)
	e.stateSet(pageStatusFamily, pageIndicators, s.Status.Indicator)
	e.components(s.Components)
	e.incidents(s.Incidents)
	e.maintenances(s.ScheduledMaintenances)
}
