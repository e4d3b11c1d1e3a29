package collector

import "github.com/statuspage-exporter/statuspage_exporter/statuspage"

// incidents emits the unresolved incidents. Mutable attributes (status,
// impact) are separate series keyed by the id, so an alert on an incident
// stays one alert while it moves between states.
func (e *emitter) incidents(is []statuspage.Incident) {
	seen := make(idSet, len(is))
	for i := range is {
		in := &is[i]
		id := idLabel(in.ID)
		if !seen.add(e, "incident", id) {
			continue
		}
		e.gauge(incidentInfoFamily, 1, id, label(in.Name), label(in.Shortlink))
		e.stateSet(incidentStatusFamily, incidentStatuses, in.Status, id)
		e.stateSet(incidentImpactFamily, impacts, in.Impact, id)
		e.timestamp(incidentStartedFamily, in.Started(), id)
		e.timestamp(incidentUpdatedFamily, in.UpdatedAt.Time, id)
		e.affected(incidentComponentFamily, "incident affected component", id, in.Components)
	}
}

// maintenances emits the upcoming and active scheduled maintenances.
func (e *emitter) maintenances(ms []statuspage.Maintenance) {
	seen := make(idSet, len(ms))
	for i := range ms {
		m := &ms[i]
		id := idLabel(m.ID)
		if !seen.add(e, "maintenance", id) {
			continue
		}
		e.gauge(maintenanceInfoFamily, 1, id, label(m.Name), label(m.Shortlink))
		e.stateSet(maintenanceStatusFamily, maintenanceStatuses, m.Status, id)
		e.timestamp(maintenanceStartFamily, m.ScheduledFor.Time, id)
		e.timestamp(maintenanceEndFamily, m.ScheduledUntil.Time, id)
		e.affected(maintenanceComponentFamily, "maintenance affected component", id, m.Components)
	}
}

// affected emits one info series per distinct component of an incident or
// maintenance.
func (e *emitter) affected(f *family, kind, id string, cs []statuspage.AffectedComponent) {
	seen := make(idSet, len(cs))
	for _, c := range cs {
		cid := idLabel(c.ID)
		if !seen.add(e, kind, cid) {
			continue
		}
		e.gauge(f, 1, id, cid, label(c.Name))
	}
}
