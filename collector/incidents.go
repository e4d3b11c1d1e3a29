package collector

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/statuspage-exporter/statuspage_exporter/statuspage"
)

// incidents emits the unresolved incidents. Mutable attributes (status,
// impact) are separate series keyed by the id, so an alert on an incident
// stays one alert while it moves between states.
func (e *emitter) incidents(is []statuspage.Incident) {
	seen := make(map[string]struct{}, len(is))
	for i := range is {
		in := &is[i]
		id := label(in.ID) // dedupe on the label value, as components do
		if id == "" {
			continue
		}
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		e.gauge(incidentInfoDesc, 1, id, label(in.Name), label(in.Shortlink))
		e.stateSet(incidentStatusDesc, incidentStatuses, in.Status, id)
		e.stateSet(incidentImpactDesc, impacts, in.Impact, id)
		e.timestamp(incidentStartedDesc, in.Started(), id)
		e.timestamp(incidentUpdatedDesc, in.UpdatedAt.Time, id)
		e.affected(incidentComponentDesc, id, in.Components)
	}
}

// maintenances emits the upcoming and active scheduled maintenances.
func (e *emitter) maintenances(ms []statuspage.Maintenance) {
	seen := make(map[string]struct{}, len(ms))
	for i := range ms {
		m := &ms[i]
		id := label(m.ID) // dedupe on the label value, as components do
		if id == "" {
			continue
		}
		if _, dup := seen[id]; dup {
			continue
		}
		seen[id] = struct{}{}
		e.gauge(maintenanceInfoDesc, 1, id, label(m.Name), label(m.Shortlink))
		e.stateSet(maintenanceStatusDesc, maintenanceStatuses, m.Status, id)
		e.timestamp(maintenanceStartDesc, m.ScheduledFor.Time, id)
		e.timestamp(maintenanceEndDesc, m.ScheduledUntil.Time, id)
		e.affected(maintenanceComponentDesc, id, m.Components)
	}
}

// affected emits one info series per distinct component of an incident or
// maintenance.
func (e *emitter) affected(desc *prometheus.Desc, id string, cs []statuspage.AffectedComponent) {
	seen := make(map[string]struct{}, len(cs))
	for _, c := range cs {
		cid := label(c.ID)
		if cid == "" {
			continue
		}
		if _, dup := seen[cid]; dup {
			continue
		}
		seen[cid] = struct{}{}
		e.gauge(desc, 1, id, cid, label(c.Name))
	}
}
